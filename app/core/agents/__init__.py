"""An agent's parts, small enough to see: tools with JSON schemas (`tools`), a safe
calculator (`calculator`), the growing context and its cost (`context`), and a learned
router that picks a tool for a request (`router`)."""
