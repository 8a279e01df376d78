"""What every page must pass in a real browser: axe-core without serious or critical
violations, every control reachable by keyboard with a visible focus, touch targets of at
least 44x44 CSS pixels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

KINDS_OF_CONTENT = ("form", "fieldset", "textarea", "select", "details", "progress", "table")
SERIOUS = {"serious", "critical"}
MIN_TARGET = 44

# Marks every visible control with a number and describes it. Radio buttons count once per
# group (Tab enters a group, arrows move inside it); a radio or checkbox is as big as its label.
# A link inside running text is exempt from the size rule, as WCAG 2.5.8 exempts it.
CONTROLS_JS = """
() => {
  const controls = [];
  const groups = new Set();
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (el.disabled || el.closest('[hidden], [inert]') || style.visibility === 'hidden'
        || el.getClientRects().length === 0 || el.getAttribute('tabindex') === '-1') continue;
    const key = el.type === 'radio' && el.name ? 'radio:' + el.name : 'kb' + (n++);
    el.dataset.kb = key;
    if (groups.has(key)) continue;
    groups.add(key);
    const box = (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label'))
      || el;
    const rect = box.getBoundingClientRect();
    const parent = el.parentElement;
    const inline = el.tagName === 'A' && style.display === 'inline' && parent
      && parent.textContent.trim() !== el.textContent.trim();
    const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 50);
    controls.push({key, name: el.tagName.toLowerCase() + ' "' + name + '"',
                   width: rect.width, height: rect.height, inline});
  }
  return controls;
}
"""

# Moves the place where Tab starts to the top of the page, wherever a #fragment left it.
START_JS = """
() => {
  const start = document.createElement('span');
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
  start.remove();
}
"""

FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
    || style.boxShadow !== 'none';
  return {key: el.dataset.kb || null, visible,
          name: el.tagName + ' ' + (el.innerText || el.name || '')};
}
"""


def axe_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in SERIOUS
    ]


def target_problems(controls: list[dict]) -> list[str]:
    return [
        f"{c['name']} is {c['width']:.0f}x{c['height']:.0f} px"
        for c in controls
        if not c["inline"] and (c["width"] < MIN_TARGET - 0.5 or c["height"] < MIN_TARGET - 0.5)
    ]


def keyboard_problems(page: Page, controls: list[dict]) -> list[str]:
    """Tab from the top of the page through every control; each must take a visible focus."""
    page.evaluate(START_JS)
    expected = {c["key"]: c["name"] for c in controls}
    reached: set[str] = set()
    problems = []
    last = None
    for _ in range(3 * len(expected) + 3):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is not None and focused["key"] == last:
            continue  # date and time inputs take one Tab per part
        if focused is None or focused["key"] in reached:
            break
        last = focused["key"]
        if focused["key"] is None:
            problems.append(f"focus went to something that is not a visible control: {focused}")
            continue
        reached.add(focused["key"])
        if not focused["visible"]:
            problems.append(f"{expected[focused['key']]} has no visible focus")
    problems += [
        f"{name} is not reachable by Tab" for k, name in expected.items() if k not in reached
    ]
    return problems


def page_kind(page: Page) -> str:
    """Pages of one kind (same route, same kinds of content) are checked once."""
    path = re.sub(r"/(\d+|\d\d-[a-z-]+)(?=/|$)", "/N", urlsplit(page.url).path)
    parts = [tag for tag in KINDS_OF_CONTENT if page.locator(f"main {tag}").count()]
    return f"{path} ({', '.join(parts)})" if parts else path


# What the checks found on each kind of page so far in this test run, shared by the tests'
# tablets: a kind of page is checked once per run, and each test that lands on it reports it.
FOUND_THIS_RUN: dict[str, list[str]] = {}


@dataclass
class PageChecks:
    """Runs every check once per kind of page and collects what fails, for one report;
    ``found`` keeps what the checks found by kind (a fresh one checks every kind anew)."""

    checked: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    found: dict[str, list[str]] = field(default_factory=dict)

    def __call__(self, page: Page) -> None:
        page.wait_for_load_state()
        kind = page_kind(page)
        if kind in self.checked:
            return
        self.checked.append(kind)
        if kind not in self.found:
            controls = page.evaluate(CONTROLS_JS)
            self.found[kind] = (
                axe_problems(page) + target_problems(controls) + keyboard_problems(page, controls)
            )
        if self.found[kind]:
            self.problems[kind] = self.found[kind]
