# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client every REST module uses (httpx).

It owns: authentication (basic, bearer), TLS verification, timeouts, retries with exponential backoff and
jitter that honour ``Retry-After`` and ``X-RateLimit-Reset`` within a bounded total time, pagination
helpers (cursor/``links.next``, SCIM ``startIndex``/``count``, Jira ``startAt``, Confluence ``start``), and
errors that name the method, the path and the status but never a credential.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import email.utils
import random
import socket
import ssl
import sys
import time

try:
    # httpx's package imports its command-line client (httpx._main, which pulls in click, rich and pygments)
    # whenever those happen to be installed, as they are next to ansible-lint or molecule: two thirds of the
    # time `import httpx` takes, paid by every module run, for a CLI no module uses. An entry of None in
    # sys.modules makes that one import fail, and httpx then defines its stub `main` instead. The entry is
    # removed again, so a later `import httpx._main` in the same process works as usual.
    if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
        sys.modules["httpx._main"] = None
        try:
            import httpx
        finally:
            if sys.modules.get("httpx._main", True) is None:
                del sys.modules["httpx._main"]
    else:
        import httpx

    HAS_HTTPX = True
    HTTPX_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module through missing_required_lib
    httpx = None
    HAS_HTTPX = False
    HTTPX_IMPORT_ERROR = exc

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.contract import resolve, safe_to_resend
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import (
    CollectionError,
    ConnectionOptionsError,
    Scrubber,
    basic_auth_forms,
    secret_forms,
)

try:
    from urllib.parse import quote, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported by the collection
    from urllib import quote
    from urlparse import urlsplit

RETRY_STATUSES = frozenset((429, 502, 503, 504))
# Statuses that prove the server did not act on the request, so even a POST can be sent again.
NOT_PROCESSED_STATUSES = frozenset((429, 503))
USER_AGENT = "dcops.atlassian_cloud"
# Every pagination loop stops here: a server that never says "last page" must not keep a run going for ever.
MAX_PAGES = 10000
# The start and page-size query parameters of each offset-paged product.
OFFSET_PARAMETERS = {"jira": ("startAt", "maxResults"), "confluence": ("start", "limit"),
                     "crowd": ("start-index", "max-results")}


class ApiError(CollectionError):
    """An API call that did not succeed. The text names method, path and status, never credentials
    (the client scrubs its own credentials and credential-shaped fragments from the server's answer)."""

    def __init__(self, method, path, status=None, detail=None, body=None, attempts=1):
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
        self.body = body
        self.attempts = attempts
        where = "%s %s" % (method, path)
        if status is None:
            text = "%s failed: %s" % (where, detail)
        else:
            text = "%s returned HTTP %s" % (where, status)
            if detail:
                text += ": %s" % detail
        if attempts > 1:
            text += " (after %d attempts)" % attempts
        super(ApiError, self).__init__(text, status=status, api_path=path, api_method=method)


def error_detail(response):
    """A short human text from the error shapes Atlassian products use."""
    try:
        body = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return text[:300] if text and not text.lstrip().startswith("<") else None
    if not isinstance(body, dict):
        return None
    parts = []
    # Jira: {"errorMessages": [...], "errors": {field: message}}
    parts.extend(str(m) for m in body.get("errorMessages") or [])
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts.extend("%s: %s" % (k, v) for k, v in sorted(errors.items()))
    elif isinstance(errors, list):
        # Cloud admin: {"errors": [{"title": ..., "detail": ...}]}
        for item in errors:
            if isinstance(item, dict):
                parts.append(str(item.get("detail") or item.get("title") or item.get("code")))
    # Confluence / Cloud admin v1: {"message": ...}; SCIM: {"detail": ...}
    for key in ("message", "detail", "errorMessage"):
        if body.get(key) and str(body[key]) not in parts:
            parts.append(str(body[key]))
    return "; ".join(p for p in parts if p) or None


def _parse_retry_after(value, now):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, when.timestamp() - now)


def _parse_rate_limit_reset(value, now):
    """Seconds to wait from X-RateLimit-Reset: an ISO 8601 time (Atlassian admin APIs) or epoch seconds."""
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        # Large numbers are epoch seconds; small ones are already a delay.
        return max(0.0, number - now) if number > 1e9 else max(0.0, number)
    try:
        when = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, when.timestamp() - now)


def server_requested_delay(response, now=None):
    """The wait a 429/503 response asks for, or None when it names none."""
    now = time.time() if now is None else now
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        delay = _parse_retry_after(retry_after, now)
        if delay is not None:
            return delay
    reset = response.headers.get("X-RateLimit-Reset")
    if reset:
        return _parse_rate_limit_reset(reset, now)
    return None


class RetryPolicy:
    """Exponential backoff with full jitter, bounded in attempts and in total time."""

    def __init__(self, max_attempts=6, max_total=120.0, base=0.5, cap=30.0, rng=None):
        self.max_attempts = max_attempts
        self.max_total = max_total
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()

    def backoff(self, attempt):
        """Delay before attempt number `attempt + 1` (attempt counts from 1)."""
        return self._rng.uniform(0, min(self.cap, self.base * (2 ** (attempt - 1))))


class ApiClient:
    """A client for one base URL (a DC node with its context path, api.atlassian.com, a SCIM directory)."""

    def __init__(self, base_url, auth=None, validate_certs=True, ca_path=None, timeout=30.0,
                 connect_timeout=10.0, retry=None, overrides=None, headers=None, sleep=time.sleep,
                 on_retry=None):
        """`auth` is None, ("basic", user, password) or ("bearer", token).

        `on_retry(message)` is told about each retry (modules route it to warnings at -v).
        """
        self.base_url = base_url.rstrip("/")
        self.overrides = overrides or {}
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._on_retry = on_retry
        self.scrub = Scrubber()
        if validate_certs and ca_path:
            try:
                verify = ssl.create_default_context(cafile=ca_path)
            except (OSError, ssl.SSLError, ValueError) as exc:
                raise ConnectionOptionsError("ca_path %s is not a readable file of PEM certificates: %s"
                                             % (ca_path, getattr(exc, "strerror", None) or exc))
        else:
            verify = bool(validate_certs)
        client_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        client_headers.update(headers or {})
        client_auth = None
        if auth and auth[0] == "basic":
            client_auth = httpx.BasicAuth(auth[1], auth[2] or "")
            self.scrub.add(*basic_auth_forms(auth[1], auth[2]))
        elif auth and auth[0] == "bearer":
            client_headers["Authorization"] = "Bearer %s" % auth[1]
            self.scrub.add(*secret_forms(auth[1]))
        self._http = httpx.Client(
            verify=verify,
            auth=client_auth,
            headers=client_headers,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            follow_redirects=False,
        )
        self.calls = 0

    def close(self):
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- requests ----------------------------------------------------------------------------------------
    def path_for(self, operation, path_params=None):
        endpoint = resolve(operation, self.overrides)
        params = dict((k, quote(str(v), safe="")) for k, v in (path_params or {}).items())
        try:
            return endpoint, endpoint.path.format(**params)
        except KeyError as exc:
            raise ApiError(endpoint.method, endpoint.path, detail="missing path parameter %s" % exc)
        except (IndexError, ValueError) as exc:
            raise ConnectionOptionsError("the path %s of %s is not a valid template (%s); check api_overrides"
                                         % (endpoint.path, operation, exc))

    def call(self, operation, path_params=None, params=None, json=None, content=None, headers=None,
             expect=None, allow=()):
        """Call a contract operation; returns the httpx.Response.

        `expect` is the set of success statuses (default: any 2xx); statuses in `allow` are returned
        to the caller instead of raising (e.g. 404 meaning "absent").
        """
        endpoint, path = self.path_for(operation, path_params)
        return self.request(endpoint.method, path, params=params, json=json, content=content, headers=headers,
                            expect=expect, allow=allow, retry_safe=endpoint.retry_safe)

    def request(self, method, path, params=None, json=None, content=None, headers=None, expect=None,
                allow=(), retry_safe=None):
        """Send one logical request with retries. `path` is relative to the base URL, or a full URL on the
        same host (links returned by the API)."""
        if retry_safe is None:
            retry_safe = safe_to_resend(method)
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        shown_path = urlsplit(url).path  # never the query: it can carry tokens
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            self.calls += 1
            try:
                response = self._http.request(method, url, params=params, json=json, content=content,
                                              headers=headers)
            except httpx.TransportError as exc:
                reason = self.scrub(_transport_reason(exc))
                permanent = permanent_failure(exc)
                if permanent:
                    raise ApiError(method, shown_path, detail="%s (%s; not retried)" % (reason, permanent),
                                   attempts=attempt)
                # A connect failure means nothing reached the server; anything later may have been processed.
                resendable = retry_safe or isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                delay = self.retry.backoff(attempt)
                if resendable and self._may_retry(attempt, started, delay):
                    self._notify(method, shown_path, reason, delay, attempt)
                    self._sleep(delay)
                    continue
                raise ApiError(method, shown_path, detail=reason, attempts=attempt)
            except (httpx.InvalidURL, httpx.CookieConflict, UnicodeError, ValueError) as exc:
                # The request cannot even be built (a URL or header the options made): no retry can help.
                raise ApiError(method, shown_path, detail="the request cannot be sent: %s"
                               % self.scrub(_transport_reason(exc)), attempts=attempt)

            status = response.status_code
            if status in RETRY_STATUSES and (retry_safe or status in NOT_PROCESSED_STATUSES):
                requested = server_requested_delay(response)
                delay = requested if requested is not None else self.retry.backoff(attempt)
                if self._may_retry(attempt, started, delay):
                    self._notify(method, shown_path, "HTTP %d" % status, delay, attempt)
                    self._sleep(delay)
                    continue
                detail = self.scrub(error_detail(response))
                if requested is not None and not self._within_budget(started, delay):
                    detail = "%s; the server asked to wait %.0f s, beyond the retry budget of %.0f s" % (
                        detail or "rate limited", requested, self.retry.max_total)
                raise ApiError(method, shown_path, status, detail, _body(response), attempts=attempt)

            if status in allow:
                return response
            ok = (status in expect) if expect else 200 <= status < 300
            if not ok:
                raise ApiError(method, shown_path, status, self.scrub(error_detail(response)), _body(response),
                               attempts=attempt)
            return response

    def json_of(self, response):
        """The JSON body of a successful answer, or an ApiError naming what came instead."""
        try:
            return response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type")
            raise ApiError(response.request.method, urlsplit(str(response.request.url)).path, response.status_code,
                           "expected a JSON body, got %s (%d bytes)" % (kind.split(";")[0], len(response.content)))

    def _within_budget(self, started, delay):
        return time.monotonic() - started + delay <= self.retry.max_total

    def _may_retry(self, attempt, started, delay):
        return attempt < self.retry.max_attempts and self._within_budget(started, delay)

    def _notify(self, method, path, reason, delay, attempt):
        if self._on_retry:
            self._on_retry("%s %s: %s; retry %d in %.1f s" % (method, path, reason, attempt, delay))

    # -- pagination -------------------------------------------------------------------------------------
    def paginate_cursor(self, operation, path_params=None, params=None, json=None, items_key="data"):
        """Follow ``links.next`` (Cloud admin APIs) and yield the items of every page."""
        for page in self.cursor_pages(operation, path_params, params, json):
            yield from page.get(items_key) or []

    def cursor_pages(self, operation, path_params=None, params=None, json=None):
        """Every page of a ``links.next`` listing. GET pages pass the cursor as a query parameter; POST search
        pages put it in the body. At most MAX_PAGES pages; a cursor seen before is refused (a server that
        sends the same cursor again would otherwise keep the run going for ever)."""
        endpoint, path = self.path_for(operation, path_params)
        query = dict(params or {})
        body = dict(json) if json is not None else None
        seen = set()
        for _page_number in range(MAX_PAGES):
            response = self.request(endpoint.method, path, params=query or None, json=body,
                                    retry_safe=endpoint.retry_safe)
            page = self._page(response, endpoint, path)
            yield page
            cursor = _next_cursor(page)
            if not cursor:
                return
            if cursor in seen:
                raise ApiError(endpoint.method, path, detail="the server returned the cursor of a page already read; "
                               "stopped instead of reading the same pages again")
            seen.add(cursor)
            if body is not None:
                body["cursor"] = cursor
            else:
                query["cursor"] = cursor
        raise _too_many_pages(endpoint, path)

    def _page(self, response, endpoint, path, kinds=(dict,)):
        page = self.json_of(response)
        if not isinstance(page, kinds):
            raise ApiError(endpoint.method, path, response.status_code, "expected a JSON page, got %s"
                           % type(page).__name__)
        return page

    def paginate_scim(self, operation, path_params=None, params=None, count=100):
        """SCIM list pages: 1-based ``startIndex`` and ``count`` until ``totalResults`` is reached."""
        _check_page_size(count)
        endpoint, path = self.path_for(operation, path_params)
        start = 1
        for _page_number in range(MAX_PAGES):
            query = dict(params or {})
            query.update({"startIndex": start, "count": count})
            page = self._page(self.request(endpoint.method, path, params=query), endpoint, path)
            resources = page.get("Resources") or []
            yield from resources
            start += len(resources)
            if not resources or start > _int(page.get("totalResults"), 0):
                return
        raise _too_many_pages(endpoint, path)

    def paginate_offset(self, operation, path_params=None, params=None, style="jira", page_size=50,
                        items_key=None):
        """DC offset pages: Jira ``startAt``/``maxResults`` (a list, or an object with ``values``/``isLast``),
        Confluence ``start``/``limit`` with ``results`` and ``_links.next``, and Crowd ``start-index``/``max-results``
        (an object with the items under `items_key`; a short page is the last)."""
        _check_page_size(page_size)
        endpoint, path = self.path_for(operation, path_params)
        start_key, size_key = OFFSET_PARAMETERS[style]
        start = 0
        for _page_number in range(MAX_PAGES):
            query = dict(params or {})
            query.update({start_key: start, size_key: page_size})
            page = self._page(self.request(endpoint.method, path, params=query), endpoint, path, (dict, list))
            if isinstance(page, list):
                items, last = page, len(page) < page_size
            else:
                key = items_key or ("values" if style == "jira" else "results")
                items = page.get(key) or []
                if style == "confluence":
                    last = not (page.get("_links") or {}).get("next")
                else:
                    last = page.get("isLast", len(items) < page_size)
            yield from items
            if last or not items:
                return
            start += len(items)
        raise _too_many_pages(endpoint, path)


def _check_page_size(size):
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise ConnectionOptionsError("a page size must be a whole number of at least 1, got %r" % (size,))


def _too_many_pages(endpoint, path):
    return ApiError(endpoint.method, path, detail="more than %d pages; stopped, the server never signalled the "
                    "last page" % MAX_PAGES)


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def permanent_failure(exc):
    """Why a transport error cannot succeed on a retry (certificate, name resolution, malformed request),
    or None when it may (a refused or reset connection, a timeout)."""
    if isinstance(exc, (httpx.LocalProtocolError, httpx.UnsupportedProtocol)):
        return "the request is malformed"
    seen = set()
    cause = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "TLS certificate verification failed"
        if isinstance(cause, socket.gaierror) and cause.errno != socket.EAI_AGAIN:
            return "the host name does not resolve"
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "TLS certificate verification failed"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "the host name does not resolve"
    return None


def _next_cursor(page):
    links = page.get("links") or {}
    nxt = links.get("next") if isinstance(links, dict) else None
    if not nxt:
        return None
    if "cursor=" in nxt:
        for part in urlsplit(nxt).query.split("&"):
            if part.startswith("cursor="):
                return httpx.QueryParams(part).get("cursor")
    return nxt


def _transport_reason(exc):
    kind = type(exc).__name__
    text = str(exc)
    return "%s: %s" % (kind, text) if text else kind


def _body(response):
    try:
        return response.json()
    except ValueError:
        return None
