"""'Écouter' (issue 18): each screen of the vault page reads its visible text aloud with the
browser's speech synthesis, in the page's language; a second press stops; without a voice
for that language the page says so. Chromium headless has speechSynthesis but no voice:
an init script (the browser boundary) gives it a list of voices and records what the
page asks it to say (each utterance's text, language and voice) and when it stops."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page, expect

from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import visible_screen

PASSPHRASE = "marmotte violette escalier quatorze"


def fake_voices(page: Page, languages: list[str]) -> None:
    """Before any script of the page: voices for `languages`, and speak/cancel recorded."""
    voices = json.dumps(languages)
    page.add_init_script(
        f"""(() => {{
          const voices = {voices}.map((lang) => ({{
            lang, name: `Voix ${{lang}}`, voiceURI: `voice-${{lang}}`,
            localService: true, default: false,
          }}));
          window.__spoken = [];
          window.__cancels = 0;
          // The page sets utterance.voice to one of these: the real setter wants a real voice.
          Object.defineProperty(SpeechSynthesisUtterance.prototype, "voice", {{
            configurable: true,
            get() {{ return this.__voice || null; }},
            set(value) {{ this.__voice = value; }},
          }});
          speechSynthesis.getVoices = () => voices;
          speechSynthesis.speak = (u) => window.__spoken.push(
            {{ text: u.text, lang: u.lang, voice: u.voice && u.voice.lang }});
          speechSynthesis.cancel = () => {{ window.__cancels += 1; }};
        }})();"""
    )


def spoken(page: Page) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate("window.__spoken")
    return result


def test_listen_reads_the_welcome_screen_in_french_and_a_second_press_stops(
    page: Page, live_server: str
) -> None:
    fake_voices(page, ["en-US", "fr-FR", "fr-CA"])
    page.goto(live_server)
    welcome = visible_screen(page, "welcome")
    listen = welcome.get_by_role("button", name="Écouter")
    expect(listen).to_be_visible()
    expect(listen).to_have_attribute("aria-pressed", "false")
    # Beside the heading, on its line, inside the phone's width.
    box = listen.bounding_box()
    heading = welcome.get_by_role("heading", level=1).bounding_box()
    assert box is not None and heading is not None
    assert box["x"] + box["width"] <= 360
    assert box["y"] < heading["y"] + heading["height"]
    assert box["height"] <= 48
    assert_accessible(page, "welcome-listen")
    screenshot(page, "listen-welcome")

    listen.click()
    expect(listen).to_have_attribute("aria-pressed", "true")
    said = spoken(page)
    texts = [item["text"] for item in said]
    assert texts[0] == "Bienvenue dans votre coffre"
    assert "Gardez vos papiers à l'abri. Personne d'autre que vous ne peut les lire." in texts
    assert "Créer mon coffre" in texts and "J'ai déjà un coffre" in texts
    assert "Écouter" not in texts  # the button itself is not read
    assert {item["lang"] for item in said} == {"fr"}
    assert {item["voice"] for item in said} == {"fr-FR"}  # a French voice, the page's own first

    cancels = page.evaluate("window.__cancels")
    listen.click()
    expect(listen).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__cancels") > cancels
    assert len(spoken(page)) == len(said)  # stopped, nothing more said


def test_listen_never_reads_what_a_field_holds(page: Page, live_server: str) -> None:
    fake_voices(page, ["fr-FR"])
    page.goto(live_server)
    visible_screen(page, "welcome").get_by_role("button", name="Créer mon coffre").click()
    signup = visible_screen(page, "signup")
    signup.get_by_label("Phrase secrète", exact=True).fill(PASSPHRASE)
    signup.get_by_role("button", name="Écouter").click()
    texts = [item["text"] for item in spoken(page)]
    assert texts[0] == "Créer mon coffre"
    assert "Phrase secrète" in texts  # the field's label is read…
    assert not any(PASSPHRASE in text or "marmotte" in text for text in texts)  # …not its value


def test_another_screen_stops_the_reading(page: Page, live_server: str) -> None:
    fake_voices(page, ["fr-FR"])
    page.goto(live_server)
    welcome = visible_screen(page, "welcome")
    welcome.get_by_role("button", name="Écouter").click()
    cancels = page.evaluate("window.__cancels")
    welcome.get_by_role("button", name="J'ai déjà un coffre").click()
    login = visible_screen(page, "login")
    expect(login.get_by_role("button", name="Écouter")).to_have_attribute("aria-pressed", "false")
    expect(welcome.locator("button[data-action=listen]")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__cancels") > cancels


def test_listen_speaks_the_pages_language(page: Page, live_server: str) -> None:
    fake_voices(page, ["fr-FR", "en-GB"])
    page.goto(f"{live_server}/langue?lang=en")
    welcome = visible_screen(page, "welcome")
    welcome.get_by_role("button", name="Listen").click()
    said = spoken(page)
    assert said and {item["lang"] for item in said} == {"en"}
    assert {item["voice"] for item in said} == {"en-GB"}
    assert said[0]["text"] == page.locator("[data-screen=welcome] h1").inner_text()


def test_without_a_voice_for_the_language_the_page_says_so(page: Page, live_server: str) -> None:
    fake_voices(page, ["en-US", "de-DE"])
    page.goto(live_server)
    listen = visible_screen(page, "welcome").get_by_role("button", name="Écouter")
    listen.click()
    expect(page.locator("#status")).to_have_text(
        "Ce téléphone n'a pas de voix pour lire cette langue."
    )
    expect(listen).to_be_disabled()
    assert spoken(page) == []
    assert_accessible(page, "listen-no-voice")


def test_without_speech_synthesis_there_is_no_button(page: Page, live_server: str) -> None:
    page.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    page.goto(live_server)
    welcome = visible_screen(page, "welcome")
    expect(welcome.get_by_role("button", name="Écouter")).to_have_count(0)
    expect(welcome.locator("button[data-action=listen]")).to_be_hidden()


def test_a_kits_code_is_never_read_aloud(page: Page, live_server: str) -> None:
    """The recovery code (class kit-code, vault/_person_entry.html) is a secret: said
    aloud, it could be heard. Put on a screen, it is left out of what is read."""
    fake_voices(page, ["fr-FR"])
    page.goto(live_server)
    welcome = visible_screen(page, "welcome")
    page.evaluate(
        """() => {
          const code = document.createElement("p");
          code.className = "kit-code";
          code.textContent = "ABCD-EFG-HIJK";
          document.querySelector("[data-screen=welcome] .actions").before(code);
        }"""
    )
    expect(welcome.get_by_text("ABCD-EFG-HIJK")).to_be_visible()
    welcome.get_by_role("button", name="Écouter").click()
    texts = [item["text"] for item in spoken(page)]
    assert texts and not any("ABCD" in text for text in texts)
