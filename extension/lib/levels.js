// The risk levels, spelled once for the whole extension (the library's are in warnlib/types.py;
// tests/test_extension_static.py holds the two to the same names and order).
// A classic script that sets globalThis.WarnlibLevels, so the same file serves content scripts
// (listed in the manifest), extension pages (<script src>) and the background (`import`).
(() => {
  if (globalThis.WarnlibLevels) return;

  // Lowest first. A reader is warned at the flagged levels only.
  const LEVELS = Object.freeze(['low', 'medium', 'high']);
  const FLAGGED_LEVELS = Object.freeze(['medium', 'high']);
  const [LOW, MEDIUM, HIGH] = LEVELS;

  // Position of a level in LEVELS; -1 for anything the extension does not know.
  function rank(level) {
    return LEVELS.indexOf(level);
  }

  function isFlagged(level) {
    return FLAGGED_LEVELS.includes(level);
  }

  // Whether `level` should show a warning to a reader whose sensitivity is `minimum`.
  function warns(level, minimum) {
    return isFlagged(level) && rank(level) >= Math.max(rank(minimum), rank(FLAGGED_LEVELS[0]));
  }

  globalThis.WarnlibLevels = Object.freeze({ LEVELS, FLAGGED_LEVELS, LOW, MEDIUM, HIGH, rank, isFlagged, warns });
})();
