// Renders an assessment (or the reason there is none) into an extension page.
// Uses WarnlibOverlay.renderReasons from content/overlay.js, loaded by the page.

export function renderResult(container, text, result, status, t) {
  container.replaceChildren();
  const level = document.createElement('div');
  if (!result) {
    level.className = 'level error';
    level.textContent = t.resultFailed;
    container.append(level);
    if (status?.message) {
      const detail = document.createElement('div');
      detail.className = 'muted';
      detail.textContent = status.message;
      container.append(detail);
    }
    return;
  }
  level.className = `level ${result.level}`;
  level.textContent = result.level === 'low' ? t.resultNone : globalThis.WarnlibOverlay.levelLabel(result.level, t);
  container.append(level);
  if ((result.signals || []).length) globalThis.WarnlibOverlay.renderReasons(document, container, text, result, t);
}
