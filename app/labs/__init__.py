"""One module per interactive lab: layout() plus callbacks registered at import."""
