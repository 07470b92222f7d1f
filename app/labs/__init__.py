"""One module per interactive lab: layout() plus callbacks registered at import."""


def import_all_labs() -> list[str]:
    """Import every module in app/labs so that its callbacks are registered at start-up
    (a callback defined after the first request would never be served)."""
    import importlib
    import pkgutil

    names = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    for name in names:
        importlib.import_module(f"{__name__}.{name}")
    return names
