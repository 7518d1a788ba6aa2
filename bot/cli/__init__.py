"""One module per `python -m bot` subcommand; see bot/__main__.py."""
