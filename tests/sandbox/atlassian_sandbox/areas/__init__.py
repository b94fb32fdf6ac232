"""One module per API area. Each defines KINDS (persona kinds it serves), routes(persona) -> list of
aiohttp route definitions (paths built with persona.path(...)), and optionally initial_state(persona)."""
