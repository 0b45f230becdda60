"""The version of sklstm: one place, read by the package, its model files and the build."""

__version__ = "1.1.0.dev0"
