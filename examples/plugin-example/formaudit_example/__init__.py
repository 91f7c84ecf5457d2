"""An example formaudit plugin (see docs/plugins.md). Importing it does nothing: formaudit loads each
part through its entry point when a run needs it."""
