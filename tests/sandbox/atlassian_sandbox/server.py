"""The Sandbox: every persona on its own loopback port, over HTTPS (trustme) or plain HTTP."""

from __future__ import annotations

import asyncio
import copy
import importlib
import json
import os
import pkgutil
import ssl
from pathlib import Path

from aiohttp import web

from . import areas as areas_package
from .faults import FaultBoard, admin_routes, middleware
from .personas import default_personas


def discover_areas():
    """Every module in atlassian_sandbox.areas; each has KINDS, routes(persona) and optionally
    initial_state(persona). Its state lives in persona.state[<module name>]."""
    found = []
    for info in sorted(pkgutil.iter_modules(areas_package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{areas_package.__name__}.{info.name}")
        found.append((info.name, module))
    return found


class Sandbox:
    def __init__(self, workdir, scheme="https", host="127.0.0.1", port_base=0, state_file=None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.scheme = scheme
        self.host = host
        self.port_base = port_base
        self.state_file = Path(state_file) if state_file else None
        self.personas = default_personas()
        for persona in self.personas:
            persona.sandbox = self
        self.areas = discover_areas()
        self.faults = FaultBoard()
        self._runners = []
        self.ca_path = None
        self._ssl = None
        self.reset(load=True)

    # -- state ---------------------------------------------------------------------------------------
    def persona(self, name):
        for persona in self.personas:
            if persona.name == name:
                return persona
        raise KeyError(name)

    @property
    def cloud(self):
        return self.persona("cloud")

    def reset(self, load=False):
        saved = {}
        if load and self.state_file and self.state_file.exists():
            saved = json.loads(self.state_file.read_text(encoding="utf-8"))
        for persona in self.personas:
            persona.state = {}
            for name, module in self.areas:
                if persona.kind in module.KINDS and hasattr(module, "initial_state"):
                    persona.state[name] = module.initial_state(persona)
            persona.state.update(copy.deepcopy(saved.get(persona.name, {})))
        self.faults.clear()
        self.faults.log.clear()
        self.save()

    def save(self):
        if not self.state_file:
            return
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({p.name: p.state for p in self.personas}, indent=1), encoding="utf-8")
        os.replace(tmp, self.state_file)

    # -- serving -------------------------------------------------------------------------------------
    def _tls(self):
        import trustme

        ca = trustme.CA(organization_name="dcops sandbox CA")
        cert = ca.issue_cert("localhost", "127.0.0.1", "::1")
        self.ca_path = self.workdir / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        return context

    def _app(self, persona):
        @web.middleware
        async def persist(request, handler):
            response = await handler(request)
            if request.method not in ("GET", "HEAD") and not request.path.startswith("/_sandbox/"):
                self.save()
            return response

        app = web.Application(middlewares=[middleware(self.faults, persona), persist],
                              client_max_size=64 * 1024 * 1024)
        app.add_routes(admin_routes(self))
        for _name, module in self.areas:
            if persona.kind in module.KINDS:
                app.add_routes(module.routes(persona))
        return app

    async def start(self):
        if self.scheme == "https":
            self._ssl = self._tls()
        for index, persona in enumerate(self.personas):
            runner = web.AppRunner(self._app(persona), access_log=None, handle_signals=False)
            await runner.setup()
            port = self.port_base + index if self.port_base else 0
            site = web.TCPSite(runner, self.host, port, ssl_context=self._ssl, reuse_address=True)
            await site.start()
            persona.port = site._server.sockets[0].getsockname()[1]
            self._runners.append(runner)

    async def stop(self):
        for runner in self._runners:
            await runner.cleanup()
        self._runners = []

    def describe(self):
        return {
            "scheme": self.scheme,
            "ca_path": str(self.ca_path) if self.ca_path else None,
            "pid": os.getpid(),
            "state_file": str(self.state_file) if self.state_file else None,
            "personas": {p.name: p.describe() for p in self.personas},
        }


async def serve_forever(sandbox, env_file, stop_event=None):
    await sandbox.start()
    tmp = Path(str(env_file) + ".tmp")
    tmp.write_text(json.dumps(sandbox.describe(), indent=2), encoding="utf-8")
    os.replace(tmp, env_file)
    stop_event = stop_event or asyncio.Event()
    try:
        await stop_event.wait()
    finally:
        await sandbox.stop()
