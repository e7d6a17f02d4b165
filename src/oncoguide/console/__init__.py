"""Support for the `oncoguide` command line, kept out of `oncoguide.cli` so commands stay one call.

- `errors`: the one place exceptions become a one-line message and an exit code (`OncoguideGroup`).
- `settings`: settings with flags, their sources, and `config show`'s rows (secrets masked).
- `options`: the one place option values are checked (`--audience`, `--cancer-type`).
- `progress`: the one progress reporter (rich bar on a terminal, timed plain lines otherwise).
- `ingest`: ingest that never leaves a half-made database and explains Ctrl-C.
- `views`: how reports, explanations and next steps are printed.
"""
