"""Domain exceptions. The CLI turns a ``CxtkError`` into one line on stderr and exit 1."""


class CxtkError(Exception):
    """A user or data problem (bad file, bad config, missing data): one clear message, exit 1."""


class ConfigError(CxtkError):
    """``cxtk.yaml`` or a mapping file is invalid."""


class InputError(CxtkError):
    """An input file cannot be used as a whole (empty, not a table, missing column...)."""


class StoreBusy(CxtkError):
    """Another process holds the store's write lock."""
