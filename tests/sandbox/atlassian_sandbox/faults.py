"""Fault injection and the request log, driven through /_sandbox/* on every persona's port.

A fault rule (POST /_sandbox/faults, JSON):
    {"path": "<regex matched against the request path>", "method": "GET" (optional),
     "kind": "status" | "slow" | "drop" | "lost_answer" | "echo",
     "status": 429, "headers": {"Retry-After": "1"}, "body": {...}   (kind=status)
     "delay": 5.0                                                      (kind=slow: then answers normally)
     kind=drop: the connection is cut before the request is processed;
     kind=lost_answer: the request IS processed, then the connection is cut before the answer is sent;
     kind=echo: an error (status, default 500) whose body echoes the request's headers and body, as a
                misconfigured proxy or debug page does (the secrets test searches the output for them)
     "calls": [1, 3]   which matching calls (1-based) to hit, or
     "times": 2        the first N matching calls, or
     "fraction": 0.5   this share of matching calls (with "seed" for repeatability);
                       none of the three: every matching call}
"""

from __future__ import annotations

import asyncio
import random
import re
import time

from aiohttp import web


class FaultRule:
    def __init__(self, spec):
        self.spec = spec
        self.pattern = re.compile(spec["path"])
        self.method = (spec.get("method") or "").upper() or None
        self.kind = spec.get("kind", "status")
        if self.kind not in ("status", "slow", "drop", "lost_answer", "echo"):
            raise ValueError(f"unknown fault kind {self.kind!r}")
        self.calls = set(spec.get("calls") or [])
        self.times = spec.get("times")
        self.fraction = spec.get("fraction")
        self.rng = random.Random(spec.get("seed", 0))
        self.seen = 0
        self.fired = 0

    def matches(self, request):
        if self.method and request.method != self.method:
            return False
        return bool(self.pattern.search(request.path))

    def fires(self):
        """Count a matching call and say whether the fault applies to it."""
        self.seen += 1
        if self.calls:
            hit = self.seen in self.calls
        elif self.times is not None:
            hit = self.seen <= self.times
        elif self.fraction is not None:
            hit = self.rng.random() < self.fraction
        else:
            hit = True
        if hit:
            self.fired += 1
        return hit

    def describe(self):
        return dict(self.spec, seen=self.seen, fired=self.fired)


class FaultBoard:
    """Rules and the request log of one sandbox (shared by all personas)."""

    def __init__(self):
        self.rules = []
        self.log = []

    def clear(self):
        self.rules = []

    async def apply(self, request):
        """None to let the request through, a rule whose answer is lost after processing, or a response /
        an exception to answer with."""
        for rule in list(self.rules):
            if rule.matches(request) and rule.fires():
                if rule.kind == "lost_answer":
                    return rule
                if rule.kind == "echo":
                    return await _echo(request, int(rule.spec.get("status", 500)))
                if rule.kind == "slow":
                    await asyncio.sleep(float(rule.spec.get("delay", 5.0)))
                    return None
                if rule.kind == "drop":
                    if request.transport is not None:
                        request.transport.abort()
                    raise ConnectionResetError("sandbox fault: connection dropped")
                body = rule.spec.get("body")
                status = int(rule.spec.get("status", 503))
                if body is None:
                    body = {"code": status, "message": "sandbox injected fault"}
                return web.json_response(body, status=status, headers=rule.spec.get("headers") or {})
        return None


async def _echo(request, status):
    body = await request.text()
    headers = "\n".join("%s: %s" % (k, v) for k, v in request.headers.items())
    text = "Request rejected by proxy. Request was:\n%s %s\n%s\n\n%s" % (request.method, request.path_qs, headers, body)
    return web.json_response({"message": text, "errorMessages": [text], "headers": dict(request.headers),
                              "body": body}, status=status)


def middleware(board, persona):
    @web.middleware
    async def faults_and_log(request, handler):
        if request.path.startswith("/_sandbox/"):
            return await handler(request)
        entry = {"persona": persona.name, "method": request.method, "path": request.path,
                 "query": dict(request.query), "time": time.time(), "status": None}
        board.log.append(entry)
        injected = await board.apply(request)
        if isinstance(injected, FaultRule):  # lost_answer: process, then cut the connection
            response = await handler(request)
            entry["status"] = response.status
            entry["injected"] = True
            if request.transport is not None:
                request.transport.abort()
            raise ConnectionResetError("sandbox fault: answer lost after processing")
        if injected is not None:
            entry["status"] = injected.status
            entry["injected"] = True
            return injected
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            entry["status"] = exc.status
            raise
        entry["status"] = response.status
        return response

    return faults_and_log


def admin_routes(sandbox):
    board = sandbox.faults

    async def add_fault(request):
        spec = await request.json()
        try:
            rule = FaultRule(spec)
        except (KeyError, ValueError, re.error) as exc:
            return web.json_response({"message": f"bad fault rule: {exc}"}, status=400)
        board.rules.append(rule)
        return web.json_response({"index": len(board.rules) - 1}, status=201)

    async def list_faults(request):
        return web.json_response([r.describe() for r in board.rules])

    async def clear_faults(request):
        board.clear()
        return web.Response(status=204)

    async def get_log(request):
        persona = request.query.get("persona")
        entries = [e for e in board.log if persona is None or e["persona"] == persona]
        return web.json_response(entries)

    async def clear_log(request):
        board.log.clear()
        return web.Response(status=204)

    async def reset(request):
        sandbox.reset()
        return web.Response(status=204)

    async def get_state(request):
        return web.json_response({p.name: p.state for p in sandbox.personas})

    async def patch_state(request):
        """Seed test data: {"persona": "cloud", "area": "auth_policies", "value": {...}} replaces one area."""
        spec = await request.json()
        persona = sandbox.persona(spec["persona"])
        persona.state[spec["area"]] = spec["value"]
        sandbox.save()
        return web.json_response(persona.state[spec["area"]])

    return [
        web.post("/_sandbox/faults", add_fault),
        web.get("/_sandbox/faults", list_faults),
        web.delete("/_sandbox/faults", clear_faults),
        web.get("/_sandbox/log", get_log),
        web.delete("/_sandbox/log", clear_log),
        web.post("/_sandbox/reset", reset),
        web.get("/_sandbox/state", get_state),
        web.put("/_sandbox/state", patch_state),
    ]
