// Offers the chosen country's own time zones as the country changes, and starts from this
// device's zone where it belongs to the country. A file of this site, since the page's
// Content-Security-Policy allows no inline script; without script the server does the same
// when the form is sent (see supervisor/family/where.py). Its words come from the page's
// data-text-* attributes, in the page's language.

function deviceZone(aliases) {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    return aliases[zone] || zone;
  } catch {
    return "";
  }
}

// The country this device is in by its zone, else by its language ("en-AU"); "" if neither.
function deviceCountry(zones, zone) {
  const byZone = Object.keys(zones).find((code) => zones[code].some(([z]) => z === zone));
  const region = (navigator.language || "").split("-")[1] || "";
  return byZone || (zones[region.toUpperCase()] ? region.toUpperCase() : "");
}

function offerZones(places, zones, mine) {
  const country = places.querySelector("select[name=country]");
  const select = places.querySelector("select[data-zones]");
  const list = zones[country.value] || [];
  const has = (zone) => list.some(([z]) => z === zone);
  select.replaceChildren();
  select.required = list.length > 0;
  if (list.length !== 1) {
    const said = places.dataset;
    select.add(new Option(list.length ? said.textChooseZone : said.textCountryFirst, ""));
  }
  for (const [zone, label] of list) select.add(new Option(label, zone));
  if (has(mine)) select.value = mine;
  else select.value = list.length === 1 ? list[0][0] : "";
  present(places);
}

// A country with one zone needs no choice: say which it is instead of asking.
function present(places) {
  const country = places.querySelector("select[name=country]");
  const select = places.querySelector("select[data-zones]");
  const only = select.options.length === 1 && select.value ? select.options[0].text : "";
  const name = country.options[country.selectedIndex].text;
  const note = places.querySelector("[data-only-zone]");
  const sentence = places.dataset.textOnlyZone;
  note.textContent = only ? sentence.replace("{zone}", only).replace("{country}", name) : "";
  note.hidden = !only;
  places.querySelector("[data-zone-field]").hidden = Boolean(only);
}

for (const places of document.querySelectorAll("[data-places]")) {
  const country = places.querySelector("select[name=country]");
  const select = places.querySelector("select[data-zones]");
  const zones = JSON.parse(select.dataset.zones);
  const mine = deviceZone(JSON.parse(select.dataset.aliases));
  const guessed = places.querySelector("[data-guessed]");
  // The page as sent is right for its country; only a guessed country needs its zones here.
  if (guessed && !country.value) {
    country.value = deviceCountry(zones, mine);
    guessed.hidden = !country.value;
    offerZones(places, zones, mine);
  } else {
    present(places);
  }
  country.addEventListener("change", () => {
    if (guessed) guessed.hidden = true;
    offerZones(places, zones, mine);
  });
}
