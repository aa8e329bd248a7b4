"""The words of a Video Agent chat live in ui/copy: the domain says why a message is refused (a
``Refusal``, with the session's status or the message's length), the page says it in a sentence."""

from __future__ import annotations

from heygen.studio import agent_chat
from heygen.studio.agent_chat import ChatError, Refusal
from ui import copy


def test_every_refusal_is_its_own_sentence() -> None:
    words = [copy.chat_refusal(ChatError(reason, status="thinking", length=5)) for reason in Refusal]
    assert all(w.endswith(".") and w[0].isupper() and " " in w for w in words)
    assert len(set(words)) == len(Refusal)


def test_the_sentences_carry_the_facts() -> None:
    assert copy.chat_refusal(ChatError(Refusal.BUSY, status="generating")) == (
        "The agent is busy (generating the video); wait until it has finished, or stop it.")
    too_long = copy.chat_refusal(ChatError(Refusal.TOO_LONG, length=12_345))
    assert too_long == f"The message is 12,345 characters; the agent takes at most {agent_chat.MESSAGE_MAX:,}."


def test_session_statuses_in_words() -> None:
    assert copy.session_words("waiting_for_input") == "Waiting for your answer"
    assert copy.session_words("new_state") == "New state" and copy.session_words(None) == "Unknown"
