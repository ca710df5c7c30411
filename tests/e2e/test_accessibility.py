"""WCAG 2.2 AA basics that a browser can check, on every public page in az, ru and en.

Labels tied to controls, one h1, a page title, labelled landmarks, alt text, the page language,
text contrast, errors tied to their fields and nothing told by colour alone.
"""

from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from playwright.sync_api import expect

from tests.e2e.conftest import LANGUAGES
from tests.factories.people import UserFactory

pytestmark = pytest.mark.e2e

PAGES = [
    "/{lang}/",
    "/{lang}/accounts/login/",
    "/{lang}/accounts/signup/",
    "/{lang}/accounts/password/reset/",
    "/{lang}/accounts/password/reset/done/",
    "/{lang}/accounts/confirm-email/",
    "/{lang}/accounts/confirm-email/{key}/",
    "/{lang}/accounts/confirm-email/no-such-key/",
    "/{lang}/no-such-page/",
    "/{lang}/experts/apply/",
    "/{lang}/experts/apply/thanks/",
]

AUDIT = """() => {
  const visible = el => el.checkVisibility({visibilityProperty: true, opacityProperty: true})
    && el.getBoundingClientRect().width > 1 && el.getBoundingClientRect().height > 1;
  const text = el => (el ? el.textContent.replace(/\\s+/g, ' ').trim() : '');
  const unlabelled = [];
  for (const control of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(control.type) || !visible(control)) continue;
    const labels = Array.from(control.labels || []).filter(label => visible(label) && text(label));
    const labelledBy = (control.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map(id => document.getElementById(id)).filter(el => el && visible(el) && text(el));
    if (!labels.length && !labelledBy.length) unlabelled.push(control.name || control.id || control.outerHTML.slice(0, 80));
  }
  const body = Array.from(document.body.children);
  const navs = Array.from(document.querySelectorAll('nav')).map(nav => {
    const ref = nav.getAttribute('aria-labelledby');
    return (nav.getAttribute('aria-label') || (ref && text(document.getElementById(ref))) || '').trim();
  });
  return {
    lang: document.documentElement.lang,
    title: document.title.replace(/\\s+/g, ' ').trim(),
    h1: Array.from(document.querySelectorAll('h1')).map(text),
    unlabelled,
    banner: body.filter(el => el.tagName === 'HEADER').length,
    contentinfo: body.filter(el => el.tagName === 'FOOTER').length,
    main: document.querySelectorAll('main, [role=main]').length,
    navs,
    imagesWithoutAlt: Array.from(document.querySelectorAll('img, [role=img], svg:not([aria-hidden=true])'))
      .filter(img => img.tagName === 'IMG' ? !img.hasAttribute('alt') : !(img.getAttribute('aria-label') || img.getAttribute('aria-labelledby') || img.querySelector('title')))
      .map(img => img.outerHTML.slice(0, 80)),
  };
}"""

CONTRAST = """() => {
  const parse = c => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = c => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const backdrop = el => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    return layers.reverse().reduce((under, layer) => over(layer, under), [255, 255, 255]);
  };
  const failures = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!own || ['SCRIPT', 'STYLE', 'OPTION'].includes(el.tagName)) continue;
    const box = el.getBoundingClientRect();
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true}) || box.width <= 1 || box.height <= 1) continue;
    const style = getComputedStyle(el);
    const bg = backdrop(el);
    const fg = over(parse(style.color), bg);
    const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (parseInt(style.fontWeight, 10) >= 700 && size >= 18.66);
    const needed = large ? 3 : 4.5;
    if (ratio < needed) failures.push({text: own.slice(0, 40), ratio: Math.round(ratio * 100) / 100, needed, color: style.color});
  }
  return failures;
}"""


@pytest.fixture
def page_urls(demo_site: str) -> dict[str, list[str]]:
    """Every page to audit in each language, including a live e-mail confirmation link."""
    user = UserFactory(email="unconfirmed@example.org", verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    key = EmailConfirmationHMAC(address).key
    return {lang: [path.format(lang=lang, key=key) for path in PAGES] for lang in LANGUAGES}


def _audit(page, urls: list[str]) -> dict[str, dict]:
    results = {}
    for url in urls:
        page.goto(url)
        results[url] = page.evaluate(AUDIT)
    return results


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_form_control_has_a_visible_associated_label(page, page_urls, language):
    audits = _audit(page, page_urls[language])
    controls_seen = sum(1 for url in audits if "/accounts/" in url)
    assert controls_seen, "the account pages should have been audited"
    assert {url: audit["unlabelled"] for url, audit in audits.items() if audit["unlabelled"]} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_exactly_one_h1_and_its_own_title(page, page_urls, language):
    audits = _audit(page, page_urls[language])
    assert {url: audit["h1"] for url, audit in audits.items() if len(audit["h1"]) != 1 or not audit["h1"][0]} == {}
    untitled = {url: audit["title"] for url, audit in audits.items() if not audit["title"].split(" · ")[0].strip()}
    assert untitled == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_header_main_footer_and_labelled_navigation(page, page_urls, language):
    problems = {}
    for url, audit in _audit(page, page_urls[language]).items():
        if (audit["banner"], audit["main"], audit["contentinfo"]) != (1, 1, 1):
            problems[url] = f"header/main/footer: {audit['banner']}/{audit['main']}/{audit['contentinfo']}"
        elif len(audit["navs"]) < 2 or not all(audit["navs"]) or len(set(audit["navs"])) != len(audit["navs"]):
            problems[url] = f"navigation landmarks need distinct labels: {audit['navs']}"
    assert problems == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_image_has_a_text_alternative(page, page_urls, language):
    audits = _audit(page, page_urls[language])
    assert {url: audit["imagesWithoutAlt"] for url, audit in audits.items() if audit["imagesWithoutAlt"]} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_lang_is_the_language_of_the_url(page, page_urls, language):
    audits = _audit(page, page_urls[language])
    assert {url: audit["lang"] for url, audit in audits.items() if audit["lang"] != language} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_text_contrast_is_at_least_4_5_to_1(page, page_urls, language):
    failures = {}
    for url in page_urls[language]:
        page.goto(url)
        found = page.evaluate(CONTRAST)
        if found:
            failures[url] = found
    assert failures == {}


def test_signup_errors_are_shown_next_to_their_fields_and_announced_with_them(page):
    page.goto("/en/accounts/signup/")
    page.get_by_label("Email").fill("leyla@example.org")
    page.get_by_label("Password", exact=True).fill("123")
    page.get_by_label("Password (again)").fill("123")
    # the browser's own validation would stop an incomplete form: let the server judge it
    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Sign Up").click()

    first_name = page.get_by_label("First name")
    expect(first_name).to_have_attribute("aria-invalid", "true")
    invalid = page.locator("main [aria-invalid=true]")
    assert invalid.count() >= 3  # first name, last name, country, password at least
    for control in invalid.all():
        ids = (control.get_attribute("aria-describedby") or "").split()
        errors = [page.locator(f"#{ident}") for ident in ids if ident.endswith("_error")]
        assert errors, f"{control.get_attribute('name')} is invalid but names no error message"
        message = errors[0]
        assert message.is_visible()
        assert message.text_content().strip()
        same_field = message.evaluate("(el, control) => el.closest('.field') === control.closest('.field')", control.element_handle())
        assert same_field, f"the error for {control.get_attribute('name')} is not next to it"
    expect(page.locator("#id_password1_error")).to_contain_text("too short")


def test_errors_and_the_current_language_are_not_shown_by_colour_alone(page):
    page.goto("/en/accounts/login/")
    current = page.locator(".language-switcher a[aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("lang", "en")
    assert "underline" in current.evaluate("el => getComputedStyle(el).textDecorationLine")

    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    page.locator("main form button[type=submit]").click()
    error = page.locator("main .errorlist li").first
    expect(error).to_be_visible()
    marker = error.evaluate("el => getComputedStyle(el, '::before').content")
    assert "⚠" in marker, f"an error needs a symbol as well as its colour, got {marker!r}"


@pytest.mark.parametrize("language", ["az", "ru"])
def test_an_experts_own_pages_pass_the_same_audit(page, demo_site, language):
    from tests.conftest import PASSWORD
    from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory
    from tests.factories.experts import ExpertProfileFactory

    expert = ExpertProfileFactory(user__email="audited.expert@example.org", user__preferred_language=language)
    module = ModulePageFactory(parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory()))
    from experts.models import Invitation

    invitation = Invitation.objects.create(expert=expert, module=module, message="Audit")
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(expert.user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/")
    urls = [f"/{language}/experts/me/", f"/{language}/experts/me/edit/", f"/{language}/experts/me/delete/"]
    urls.append(f"/{language}/experts/invitations/{invitation.pk}/")

    audits = _audit(page, urls)
    contrast = {}
    for url in urls:
        page.goto(url)
        if found := page.evaluate(CONTRAST):
            contrast[url] = found

    assert {url: a["unlabelled"] for url, a in audits.items() if a["unlabelled"]} == {}
    assert {url: a["h1"] for url, a in audits.items() if len(a["h1"]) != 1} == {}
    assert {url: a["lang"] for url, a in audits.items() if a["lang"] != language} == {}
    assert {
        url: (a["banner"], a["main"], a["contentinfo"])
        for url, a in audits.items()
        if (a["banner"], a["main"], a["contentinfo"]) != (1, 1, 1)
    } == {}
    assert contrast == {}


@pytest.mark.parametrize("language", ["az", "ru"])
def test_session_pages_and_my_learning_pass_the_same_audit(page, demo_site, language):
    from django.utils import timezone

    from tests.conftest import PASSWORD
    from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory

    module = ModulePageFactory(parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory()))
    today = timezone.localdate()
    # running today, so that its attendance sheet shows the form (a day still to come shows only who takes part)
    session = TrainingSessionFactory(
        module=module, start_date=today, end_date=today + datetime.timedelta(days=2), application_deadline=today
    )
    trainee = UserFactory(role="trainee", email="audited.trainee@example.org", preferred_language=language)
    session.trainers.add(trainee)  # to see the attendance sheet too
    from curriculum.models import SessionApplication

    application = SessionApplication.objects.create(session=session, trainee=trainee, motivation="Audit.")
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(trainee.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/")
    urls = [
        f"/{language}/sessions/{session.pk}/",
        f"/{language}/learning/",
        f"/{language}/teaching/",
        f"/{language}/sessions/{session.pk}/attendance/",
        f"/{language}/applications/{application.pk}/withdraw/",
        module.url,
    ]

    audits = _audit(page, urls)
    contrast = {}
    for url in urls:
        page.goto(url)
        if found := page.evaluate(CONTRAST):
            contrast[url] = found

    assert {url: a["unlabelled"] for url, a in audits.items() if a["unlabelled"]} == {}
    assert {url: a["h1"] for url, a in audits.items() if len(a["h1"]) != 1} == {}
    assert {
        url: (a["banner"], a["main"], a["contentinfo"])
        for url, a in audits.items()
        if (a["banner"], a["main"], a["contentinfo"]) != (1, 1, 1)
    } == {}
    assert contrast == {}
