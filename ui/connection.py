"""Which HeyGen this browser session talks to: the user's account, or the built-in sandbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from heygen import Client
from heygen.api.client import DEFAULT_BASE_URL
from heygen.studio.config import SANDBOX_ACCOUNT, Settings, account_fingerprint
from heygen.studio.kinds import poll_policy as policy_for
from heygen.studio.jobs import JobStoreError

from . import identity, process
from .feedback import show_error

log = logging.getLogger("heygen.studio")

SESSION_KEY = "heygen_session_api_key"


@dataclass(frozen=True)
class Connection:
    """The client for this session and what it points at."""

    client: Client
    account: str
    sandbox: bool
    source: str  # "sandbox", "session", "secrets" or "environment"
    base_url: str


class ConnectionProblem(ValueError):
    """The configuration cannot give a working client (e.g. a malformed base URL)."""


def settings() -> Settings:
    """Settings from the environment, read once per process."""
    return process.settings()


def _secret(name: str) -> str | None:
    try:
        value = st.secrets[name]
    except (KeyError, FileNotFoundError):
        return None
    except Exception:  # a malformed secrets.toml must not take the app down
        log.warning("Could not read .streamlit/secrets.toml; ignoring it")
        return None
    return str(value).strip() or None


def _configured_key() -> tuple[str | None, str]:
    pasted = st.session_state.get(SESSION_KEY)
    if pasted:
        return pasted, "session"
    secret = _secret("HEYGEN_API_KEY")
    if secret:
        return secret, "secrets"
    if settings().api_key:
        return settings().api_key, "environment"
    return None, "sandbox"


def configured_base_url() -> str:
    return _secret("HEYGEN_API_BASE_URL") or settings().base_url or DEFAULT_BASE_URL


def current() -> Connection:
    """The connection for this browser session (cached clients, one sandbox per process)."""
    key, source = _configured_key()
    if key is None:
        sandbox = process.sandbox()
        client = process.client(SANDBOX_ACCOUNT, sandbox.base_url, sandbox.api_key)
        return Connection(client, SANDBOX_ACCOUNT, True, "sandbox", sandbox.base_url)
    base_url = configured_base_url()
    try:
        account = account_fingerprint(key, base_url)
        client = process.client(account, base_url, key)
    except ValueError as exc:
        raise ConnectionProblem(str(exc)) from None
    return Connection(client, account, False, source, client.base_url)


def batch_client(conn: Connection) -> Client:
    """A client for the batch runner, one per account: it never retries or waits (the runner does)."""
    if conn.sandbox:
        return process.client(conn.account, conn.base_url, process.sandbox().api_key, for_worker=True)
    key, _ = _configured_key()
    if key is None:
        raise ConnectionProblem("No HeyGen API key is configured.")
    return process.client(conn.account, conn.base_url, key, for_worker=True)


def require() -> Connection:
    """The connection, or stop the page (the app shell has already explained the problem)."""
    try:
        return current()
    except ConnectionProblem:
        st.stop()


def use_session_key(api_key: str) -> None:
    """Use a key pasted in Settings for the rest of this browser session."""
    st.session_state[SESSION_KEY] = api_key.strip()


def forget_session_key() -> None:
    """Forget the pasted key in this session and everywhere in the process (its clients, the worker's too)."""
    key = st.session_state.pop(SESSION_KEY, None)
    if key:
        try:
            process.forget_account(account_fingerprint(key, configured_base_url()))
        except ValueError:  # a key that never made a client
            pass


def check_key(api_key: str):
    """The account behind ``api_key`` on the configured server (raises ``HeyGenError`` when rejected)."""
    with Client(api_key.strip(), configured_base_url(), max_retries=1) as client:
        return client.users.me()


def job_store():
    """The job store shared by every browser session of this process.

    A history that cannot be opened stops the page with a plain explanation (nothing is kept,
    so the next run tries again once the file is fixed).
    """
    try:
        return process.job_store().for_member(identity.remembered().name)
    except (JobStoreError, OSError) as exc:
        show_error(exc if isinstance(exc, JobStoreError) else JobStoreError(
            f"The studio cannot use its data folder {settings().data_dir}: {exc.strerror or exc}."))
        st.stop()


def poll_policy(kind: str = "avatar"):
    """How the status panels poll, from the settings (agent renders get a longer deadline)."""
    return policy_for(settings(), kind)
