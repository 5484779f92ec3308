"""Packaging for warnlib, its HTTP service (imported as `warnlib_server`) and its CLI."""

from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent


def read_version() -> str:
    for line in (HERE / "warnlib" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip('"')
    raise RuntimeError("warnlib/__init__.py has no __version__")


setup(
    name="warnlib",
    version=read_version(),
    description="Explainable investment-scam warnings for social-media posts (Chinese and English)",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.10",
    # The Flask service lives in server/ but installs as `warnlib_server`, so it
    # never squats a generic top-level name such as `server` in site-packages.
    packages=["warnlib", "warnlib.rules", "warnlib.data", "warnlib_server"],
    package_dir={"warnlib_server": "server"},
    # warnlib/data: the trained text model, its thresholds file and the training-licence table.
    package_data={
        "warnlib.rules": ["*.toml"],
        "warnlib.data": ["*.json.gz", "*.toml", "*.md"],
        "warnlib_server": ["*.html", "*.toml"],
    },
    install_requires=[
        "tomli>=2.0; python_version < '3.11'",
        "opencc-python-reimplemented>=0.1.7",
        "jieba>=0.42.1",
        # One Aho-Corasick pass finds which rules could match a post (C; wheels for 3.10-3.13).
        "pyahocorasick>=2.0",
        "httpx>=0.27",
        "tqdm>=4.66",
    ],
    extras_require={
        "server": [
            "flask>=3.0",
            "flask-cors>=4.0",
            "marshmallow>=3.20",
            "apispec>=6.3",
            "gunicorn>=22.0",
            # Rate limits with standard headers and storage shared by workers and instances.
            "flask-limiter>=3.8",
            "redis>=5.0",
        ],
        # `warnlib train` and bench/quality.py; scoring never needs it.
        "train": ["scikit-learn>=1.3"],
        # warnlib.dask: scoring Dask bags and dataframes on a cluster (docs/scale.md).
        "dask": ["dask[dataframe]>=2024.1", "distributed>=2024.1"],
        "dev": [
            "scikit-learn>=1.3",
            "dask[dataframe]>=2024.1",
            "distributed>=2024.1",
            "pytest>=8.0",
            "ruff>=0.5",
            "playwright>=1.45",
            "schemathesis>=3.30",
            # Unicode's confusables data, from which scripts/latin_lookalikes.py writes the
            # table of Latin look-alike letters that normalization reads (a test checks it).
            "confusable-homoglyphs>=3.3,<4",
        ],
    },
    entry_points={"console_scripts": ["warnlib=warnlib.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Natural Language :: Chinese (Simplified)",
        "Natural Language :: English",
    ],
)
