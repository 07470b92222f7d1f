"""A small labelled web crawl to clean: seeded, made here from templates and word banks.

Real crawls (Common Crawl, after HTML extraction) mix a minority of useful prose with
navigation and cookie text, keyword spam, fragments, lists, code, other languages,
machine-made repetition and many copies of the same page. `generate()` builds a
deterministic mix of those kinds, each document with its ground-truth label, so the
cleaning pipeline (`app.core.data.pipeline`) can be scored with precision and recall.

Every word here was written for this module; nothing is downloaded. The mix is made to
be realistic rather than easy: some good pages are short, some how-tos carry a code
snippet with a curly brace or a list of short lines, and some spam reads almost like
prose, so no filter setting is perfect.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

# ---- labels ------------------------------------------------------------------------------
GOOD = "good"  # readable English article or how-to
GOOD_PII = "good_pii"  # a good document with e-mail addresses, phone numbers or IPs planted
BOILERPLATE = "boilerplate"  # navigation menus, cookie banners, footers, placeholder pages
SPAM = "spam"  # SEO keyword stuffing
SHORT = "short"  # fragments too short to teach a model anything
LIST = "list"  # pages that are nothing but bullet points
SYMBOLS = "symbols"  # code dumps and pages full of symbols
FOREIGN = "foreign"  # other languages (German, French, Spanish)
REPETITIVE = "repetitive"  # machine-generated loops of the same lines
EXACT_DUPLICATE = "exact_duplicate"  # a copy of an earlier good document
NEAR_DUPLICATE = "near_duplicate"  # an earlier good document with small edits

LABELS = (
    GOOD,
    GOOD_PII,
    BOILERPLATE,
    SPAM,
    SHORT,
    LIST,
    SYMBOLS,
    FOREIGN,
    REPETITIVE,
    EXACT_DUPLICATE,
    NEAR_DUPLICATE,
)
KEEP_LABELS = frozenset({GOOD, GOOD_PII})  # what a perfect pipeline keeps
LABEL_NAMES = {
    GOOD: "Good article",
    GOOD_PII: "Good, with personal data",
    BOILERPLATE: "Menus and cookie text",
    SPAM: "Keyword spam",
    SHORT: "Fragment",
    LIST: "Bullet list",
    SYMBOLS: "Code or symbols",
    FOREIGN: "Other language",
    REPETITIVE: "Machine repetition",
    EXACT_DUPLICATE: "Exact copy",
    NEAR_DUPLICATE: "Near copy",
}

# Share of each kind in the crawl (sums to 1). Duplicates are made from good documents.
MIX = {
    GOOD: 0.40,
    GOOD_PII: 0.08,
    BOILERPLATE: 0.07,
    SPAM: 0.06,
    SHORT: 0.07,
    LIST: 0.05,
    SYMBOLS: 0.05,
    FOREIGN: 0.08,
    REPETITIVE: 0.04,
    EXACT_DUPLICATE: 0.05,
    NEAR_DUPLICATE: 0.05,
}


@dataclass(frozen=True)
class Document:
    """One crawled page after text extraction.

    `source_id` is the id of the good document a duplicate was copied from; `pii` lists
    the (kind, value) pairs planted in the text, kind in {"email", "phone", "ip"};
    `language` is the language the text was written in."""

    id: int
    text: str
    label: str
    url: str
    source_id: int | None = None
    pii: tuple[tuple[str, str], ...] = ()
    language: str = "en"  # "de", "fr", "es" for other languages; "" for code and symbols

    @property
    def should_keep(self) -> bool:
        return self.label in KEEP_LABELS


# ---- word banks for English prose ---------------------------------------------------------
def _items(text: str) -> list[str]:
    """A word bank written as one comma-separated string (easier to read than a long list)."""
    return [item.strip() for item in text.split(",")]


TOPICS = {
    "gardening": dict(
        noun=_items(
            "tomato plant, raised bed, compost heap, seed tray, rose bush, herb border, "
            "fruit tree, potting mix, watering can, cold frame"
        ),
        plural=_items(
            "seedlings, cuttings, bulbs, slugs, weeds, roots, leaves, runner beans, "
            "strawberries, earthworms"
        ),
        verb=_items("prune, water, mulch, repot, sow, feed, harden off, stake, thin out, divide"),
        adj=_items(
            "sunny, sheltered, damp, sandy, heavy, shady, frost-free, leggy, vigorous, pot-bound"
        ),
        place=_items(
            "allotment, back garden, balcony, greenhouse, windowsill, community garden,"
            " front yard, orchard"
        ),
        title=_items(
            "How to {verb} a {noun} without fuss, A beginner's guide to {plural}, What "
            "we learned from a {adj} {place}, Growing {plural} on a {place}"
        ),
    ),
    "cycling": dict(
        noun=_items(
            "rear derailleur, chain, brake pad, inner tube, saddle, handlebar, cassette,"
            " wheel bearing, pedal, frame bag"
        ),
        plural=_items(
            "spokes, gears, tyres, cleats, hills, commuters, bike lanes, mudguards, "
            "lights, panniers"
        ),
        verb=_items("adjust, clean, oil, replace, tighten, true, inflate, inspect, align, service"),
        adj=_items(
            "squeaky, worn, loose, muddy, lightweight, rusty, tubeless, sturdy, folding, "
            "second-hand"
        ),
        place=_items(
            "garage, shed, canal path, mountain pass, city centre, hallway, repair "
            "cafe, country lane"
        ),
        title=_items(
            "How to {verb} a {adj} {noun}, Riding with {plural}: what to know, Ten "
            "minutes in the {place}: {verb} your {noun}, Why {plural} matter"
        ),
    ),
    "cooking": dict(
        noun=_items(
            "sourdough starter, cast-iron pan, stock pot, lentil soup, bread dough, "
            "tomato sauce, spice blend, chopping board, oven tray, rice cooker"
        ),
        plural=_items(
            "onions, chickpeas, leftovers, dumplings, pancakes, herbs, noodles, "
            "roasted vegetables, flatbreads, pickles"
        ),
        verb=_items("simmer, knead, season, roast, stir, whisk, braise, marinate, reheat, taste"),
        adj=_items("crisp, tender, smoky, tangy, hearty, golden, silky, crumbly, fragrant, thick"),
        place=_items(
            "kitchen, market stall, campsite, student flat, family table, bakery, food "
            "truck, picnic"
        ),
        title=_items(
            "How to {verb} {plural} properly, A {adj} {noun} on a weeknight, Notes from"
            " the {place}: {plural}, The secret of a {adj} {noun}"
        ),
    ),
    "astronomy": dict(
        noun=_items(
            "telescope, star chart, tripod, eyepiece, red torch, planisphere, finder "
            "scope, camera mount, observing log, lunar crater"
        ),
        plural=_items(
            "planets, meteors, galaxies, star clusters, eclipses, comets, satellites, "
            "nebulae, constellations, clear nights"
        ),
        verb=_items(
            "observe, align, focus, photograph, track, sketch, collimate, record, locate, measure"
        ),
        adj=_items(
            "faint, bright, distant, cloudless, dark, steady, wide-field, northern, seasonal, dim"
        ),
        place=_items(
            "hilltop, observatory, rooftop, national park, field, back garden, dark-sky"
            " reserve, beach"
        ),
        title=_items(
            "How to {verb} {plural} from a {place}, A first {noun} for {adj} skies, "
            "What to look for on {adj} nights, Finding {plural} without a computer"
        ),
    ),
    "finance": dict(
        noun=_items(
            "household budget, savings account, pension plan, credit card, emergency "
            "fund, spreadsheet, index fund, monthly bill, tax return, mortgage"
        ),
        plural=_items(
            "receipts, expenses, interest rates, subscriptions, fees, payslips, "
            "dividends, loans, invoices, savings goals"
        ),
        verb=_items(
            "track, reduce, compare, review, cancel, plan, split, record, automate, negotiate"
        ),
        adj=_items(
            "monthly, variable, hidden, fixed, realistic, rising, simple, annual, shared, modest"
        ),
        place=_items(
            "bank, household, small business, student union, family, freelance studio, "
            "shared flat, village shop"
        ),
        title=_items(
            "How to {verb} your {plural}, A {adj} {noun} that actually works, What a "
            "{place} taught us about {plural}, Stop ignoring {adj} {plural}"
        ),
    ),
    "home repair": dict(
        noun=_items(
            "dripping tap, door hinge, radiator valve, window frame, skirting board, "
            "light switch, bathroom sealant, wooden floor, garden fence, kitchen drawer"
        ),
        plural=_items(
            "screws, wall plugs, cracks, draughts, tiles, paint brushes, washers, "
            "fuses, shelves, damp patches"
        ),
        verb=_items("fix, sand, seal, paint, patch, measure, drill, level, insulate, replace"),
        adj=_items("cracked, stiff, damp, uneven, old, loose, peeling, noisy, draughty, warped"),
        place=_items(
            "hallway, bathroom, cellar, attic, rented flat, workshop, porch, utility room"
        ),
        title=_items(
            "How to {verb} a {adj} {noun}, Fixing {plural} in the {place}, A weekend "
            "with {plural}, When to call a professional about a {noun}"
        ),
    ),
    "photography": dict(
        noun=_items(
            "prime lens, tripod head, light meter, memory card, camera strap, polarising"
            " filter, flash unit, raw file, histogram, lens hood"
        ),
        plural=_items(
            "portraits, landscapes, shadows, reflections, street scenes, sunsets, "
            "exposures, negatives, highlights, close-ups"
        ),
        verb=_items("frame, expose, edit, crop, meter, focus, bracket, print, scan, sharpen"),
        adj=_items("soft, harsh, golden, overcast, grainy, sharp, muted, vivid, backlit, low"),
        place=_items(
            "studio, market, harbour, forest, train station, city square, darkroom, museum"
        ),
        title=_items(
            "How to {verb} {plural} in {adj} light, Carrying only a {noun}, A morning "
            "at the {place} with a {noun}, Better {plural} in five steps"
        ),
    ),
    "local history": dict(
        noun=_items(
            "parish record, old mill, town charter, stone bridge, canal lock, market "
            "hall, railway station, war memorial, tithe map, guild house"
        ),
        plural=_items(
            "archives, photographs, street names, letters, census returns, "
            "shopkeepers, weavers, ferries, farms, festivals"
        ),
        verb=_items(
            "trace, restore, catalogue, document, visit, research, date, transcribe, preserve, map"
        ),
        adj=_items(
            "medieval, forgotten, Victorian, ruined, busy, rural, coastal, industrial, "
            "quiet, listed"
        ),
        place=_items(
            "county archive, village, market town, river valley, library, museum, old "
            "quarter, harbour town"
        ),
        title=_items(
            "The story of the {adj} {noun}, How to {verb} {plural} of your {place}, "
            "What the {plural} tell us, Walking the {adj} {place}"
        ),
    ),
    "software": dict(
        noun=_items(
            "version control system, test suite, command line, text editor, backup "
            "script, database index, log file, build server, package manager, "
            "configuration file"
        ),
        plural=_items(
            "commits, branches, error messages, dependencies, unit tests, queries, "
            "shortcuts, releases, permissions, environment variables"
        ),
        verb=_items(
            "install, configure, debug, automate, profile, refactor, document, deploy, "
            "monitor, update"
        ),
        adj=_items(
            "slow, flaky, legacy, small, reliable, readable, nightly, shared, local, broken"
        ),
        place=_items(
            "team, open-source project, start-up, university lab, home server, school, "
            "charity, newsroom"
        ),
        title=_items(
            "How to {verb} a {adj} {noun}, Fewer {adj} {plural} in a {place}, A "
            "practical guide to {plural}, Why our {place} writes {plural} first"
        ),
    ),
    "birdwatching": dict(
        noun=_items(
            "pair of binoculars, field guide, bird feeder, nest box, hide, notebook, "
            "spotting scope, sound recorder, bird bath, hedge"
        ),
        plural=_items(
            "robins, swallows, woodpeckers, herons, owls, finches, migrants, gulls, "
            "warblers, kestrels"
        ),
        verb=_items(
            "identify, count, record, attract, feed, listen for, photograph, watch, ring, survey"
        ),
        adj=_items("early, patient, quiet, misty, windy, migratory, common, shy, noisy, rare"),
        place=_items(
            "wetland, estuary, woodland, reservoir, city park, cliff top, reed bed, meadow"
        ),
        title=_items(
            "How to {verb} {plural} in the {place}, A {adj} morning with {plural}, "
            "Choosing a {noun} for beginners, What the {plural} did this spring"
        ),
    ),
}
PEOPLE = _items(
    "Maria, Tomasz, Aisha, Kenji, Lucy, Daniel, Priya, Omar, Elena, Samuel, Grace, "
    "Ibrahim, Hannah, Mateo, Chloe, Yusuf, Ingrid, Leo"
)
TIMES = _items(
    "in early spring, on a wet Saturday, after work, before breakfast, in late "
    "autumn, over a long weekend, during the school holidays, on the first warm "
    "evening, in the middle of winter, every other week"
)
CONNECT = [
    "In practice,",
    "Even so,",
    "For most people,",
    "As a rule,",
    "In our experience,",
    "On the other hand,",
    "Surprisingly,",
    "At first,",
    "Over time,",
    "Of course,",
]

# Sentence templates: short fixed fragments so that unrelated documents share few 5-grams.
SENTENCES = [
    "{Connect} the {noun} is the part that most people get wrong at the start.",
    "{Person} told us that {plural} became much easier once the {noun} was sorted.",
    "Nobody needs an expensive {noun} to {verb} {plural} well.",
    "A {adj} {place} changes what you should expect from {plural}.",
    "If you only have {number} minutes, {verb} the {noun} and leave the rest.",
    "We tried this {time} and the difference was obvious within {number} days.",
    "The cheapest option cost about ${price} in {year}, which still seems fair.",
    "{Connect} {plural} respond better to small, regular changes than to one big effort.",
    "Write down what you did, because memory is a poor record of {plural}.",
    "When the {noun} feels {adj}, stop and check it before going on.",
    "It is tempting to {verb} everything at once, but that rarely helps.",
    "{Person} keeps a simple notebook next to the {noun} for exactly this reason.",
    "Why does this matter? Because {adj} {plural} are harder to deal with later.",
    "Most guides skip this step, and that is where {plural} go wrong.",
    "The first time {person} tried to {verb} the {noun}, it took an entire afternoon.",
    "Around {percent} percent of the questions we get are about {plural}.",
    "There is no single right answer, and {adj} conditions change the picture.",
    "Ask someone at your local {place} and they will usually have an opinion.",
    "{Connect} a {adj} {noun} tells you more than any chart in a book.",
    "Do not throw away old {plural}; they teach you what to avoid.",
    "By the end of the season we had learned to {verb} the {noun} in half the time.",
    "A neighbour with a {adj} {place} showed us a quicker way to {verb} {plural}.",
    "Check the {noun} again after {number} days, and adjust if you need to.",
    "That sounds obvious, yet it took us {number} attempts to see it.",
    "The real cost is time, not money, so plan to {verb} {plural} {time}.",
    "{Connect} it helps to {verb} the {noun} while everything is still {adj}.",
    "Our advice is to start small and keep the {noun} within easy reach.",
    "Good {plural} come from patience more than from talent.",
    "You will know it worked when the {noun} no longer looks {adj}.",
    "Keep a spare {noun} nearby, since {plural} never fail at a convenient moment.",
    "In {year} the {place} published a short leaflet on {plural} that is still useful.",
    "Not every {noun} is the same, so read the label before you {verb} it.",
    "{Person} prefers to {verb} {plural} by hand, which is slower but calmer.",
    "After a while you start to notice {adj} {plural} long before they cause trouble.",
    "Is it worth the effort? For a {adj} {noun}, almost certainly yes.",
    "Take a photo before you {verb} anything, so you can put it back.",
    "We found that {plural} and the {noun} need attention at different times.",
    "The mistake we made was to {verb} the {noun} when it was too {adj}.",
    "Ten minutes {time} is enough to keep {plural} under control.",
    "Share what you learn with the {place}; someone will thank you for it.",
]
STEP_SENTENCES = [
    "Start by checking the {noun} for anything {adj}.",
    "Gather the {plural} you need before you begin.",
    "{Verb} the {noun} slowly and evenly.",
    "Wait {number} minutes, then look again.",
    "Repeat the last step if the {noun} still looks {adj}.",
    "Clean up and note what you changed.",
    "Test the result {time} before you rely on it.",
    "Put the {plural} back where you found them.",
]
YEARS = list(range(1952, 2025))

# ---- other languages (written here, simple everyday prose) --------------------------------
FOREIGN_SENTENCES = {
    "de": [
        "Der {n} ist im Winter oft zu kalt, deshalb bleiben wir lieber im Haus.",
        "Am Wochenende haben wir mit den Kindern einen langen Ausflug an den See gemacht.",
        "Es ist nicht schwer, einen {n} zu reparieren, wenn man das richtige Werkzeug hat.",
        "Meine Großmutter hat immer gesagt, dass man die Dinge mit Geduld machen muss.",
        "Die Stadt hat im letzten Jahr einen neuen {n} für die Bürger gebaut.",
        "Wir empfehlen, die Anleitung zuerst ganz zu lesen und dann anzufangen.",
        "Nach dem Essen sind wir noch durch die alte Altstadt spaziert.",
        "Viele Leute wissen nicht, dass der {n} auch im Sommer Pflege braucht.",
        "Das Wetter war schlecht, aber die Stimmung war trotzdem sehr gut.",
        "Wenn du Fragen hast, kannst du uns jederzeit eine Nachricht schreiben.",
        "Der Zug war pünktlich, und wir waren schon um neun Uhr in der Stadt.",
        "Für dieses Rezept braucht man nur wenige Zutaten und etwas Zeit.",
    ],
    "fr": [
        "Le {n} est souvent fermé le lundi, alors il vaut mieux venir le mardi.",
        "Nous avons passé une belle journée au bord de la mer avec toute la famille.",
        "Il n'est pas difficile de réparer un {n} si on a les bons outils.",
        "Ma grand-mère disait toujours qu'il faut prendre son temps pour bien faire.",
        "La ville a construit un nouveau {n} pour les habitants du quartier.",
        "Nous vous conseillons de lire toute la notice avant de commencer.",
        "Après le repas, nous nous sommes promenés dans les vieilles rues du centre.",
        "Beaucoup de gens ne savent pas que le {n} a besoin d'entretien en été.",
        "Le temps était mauvais, mais l'ambiance était quand même très bonne.",
        "Si vous avez des questions, vous pouvez nous écrire à tout moment.",
        "Le train était à l'heure et nous sommes arrivés en ville avant neuf heures.",
        "Pour cette recette, il faut seulement quelques ingrédients et un peu de patience.",
    ],
    "es": [
        "El {n} suele estar cerrado los lunes, así que es mejor venir el martes.",
        "Pasamos un día precioso en la playa con toda la familia.",
        "No es difícil arreglar un {n} si tienes las herramientas adecuadas.",
        "Mi abuela siempre decía que hay que hacer las cosas con calma.",
        "El ayuntamiento construyó un nuevo {n} para los vecinos del barrio.",
        "Os recomendamos leer todas las instrucciones antes de empezar.",
        "Después de comer dimos un paseo por las calles del casco antiguo.",
        "Mucha gente no sabe que el {n} también necesita cuidados en verano.",
        "El tiempo fue malo, pero el ambiente fue muy bueno de todas formas.",
        "Si tienes alguna pregunta, puedes escribirnos cuando quieras.",
        "El tren llegó puntual y estábamos en la ciudad antes de las nueve.",
        "Para esta receta solo hacen falta unos pocos ingredientes y algo de paciencia.",
    ],
}
FOREIGN_NOUNS = {
    "de": _items("Garten, Markt, Bahnhof, Spielplatz, Brunnen, Radweg, Ofen"),
    "fr": _items("jardin, marché, musée, parc, pont, vélo, four"),
    "es": _items("jardín, mercado, museo, parque, puente, horno, huerto"),
}
FOREIGN_TITLES = {
    "de": ["Ein Tag am See", "Tipps für den Garten", "Unser Wochenende", "Neues aus der Stadt"],
    "fr": ["Une journée à la mer", "Conseils pour le jardin", "Notre week-end", "En ville"],
    "es": ["Un día en la playa", "Consejos para el jardín", "Nuestro fin de semana", "Noticias"],
}

# ---- low-quality kinds ----------------------------------------------------------------------
SITES = _items(
    "northfield, greenleaf, bluecastle, riverbend, oakridge, sunnyvale, harbourlight,"
    " millbrook, redkite, stonegate, westwood, silverline"
)
MENU = _items(
    "Home, About us, Blog, Shop, Contact, Careers, Press, Help, FAQ, Log in, Register,"
    " Newsletter, Events, Gallery, Partners, Sitemap"
)
COOKIE_LINES = [
    "We use cookies to improve your experience on our website.",
    "By continuing to browse you agree to our use of cookies.",
    "Accept all cookies",
    "Manage preferences",
    "Reject non-essential cookies",
    "Read our cookie policy for more information.",
    "This site requires JavaScript to work properly.",
    "Please enable JavaScript in your browser settings.",
    "Privacy Policy | Terms of Use | Accessibility",
    "Subscribe to our newsletter",
    "Follow us on social media",
    "Back to top",
    "Skip to main content",
    "Search this site",
    "Your basket is empty",
]
LEGAL_SENTENCES = [
    "By accessing this website you agree to be bound by these terms and all applicable laws.",
    "{site} may revise these terms at any time without notice to you.",
    "The materials on this website are provided on an as is basis.",
    "{site} makes no warranties, expressed or implied, and hereby disclaims all other warranties.",
    "In no event shall {site} or its suppliers be liable for any damages arising out of the "
    "use of the materials.",
    "You may not modify or copy the materials or use them for any commercial purpose.",
    "These terms are governed by the laws of the country in which {site} is registered.",
    "Links to other websites are provided for convenience and do not imply endorsement.",
    "Any claim relating to this website shall be settled by the courts of that country.",
    "Permission is granted to download one copy of the materials for personal viewing only.",
]
SPAM_PRODUCTS = _items(
    "cheap flights, best running shoes, payday loans, weight loss pills, "
    "casino bonus, car insurance quotes, replica watches, crypto signals, "
    "cheap hotels, discount vitamins, free followers, seo services"
)
SPAM_PLACES = _items(
    "London, New York, Berlin, Paris, Sydney, Toronto, Dubai, Madrid, Chicago, Dublin"
)
SHORT_FRAGMENTS = [
    "Click here to read the full story.",
    "Page not found. The page you are looking for may have moved.",
    "Loading comments...",
    "Share this post",
    "Posted by admin on {date}",
    "Sold out. Check back soon!",
    "Thanks for signing up! Please check your inbox to confirm your address.",
    "Read more about {topic} in our archive.",
    "Photo: {person} / {site} archive",
    "Updated {date}. Comments are closed.",
    "{count} people liked this.",
    "Continue reading",
    "Watch the video below to find out more about {topic}.",
    "Tags: {topic}, news, tips",
]
CODE_SNIPPETS = [
    "function init() {\n  var el = document.getElementById('menu');\n  el.onclick = toggle;\n}",
    "for (int i = 0; i < n; i++) {\n    sum += a[i] * b[i];\n}\nreturn sum;",
    "def load(path):\n    with open(path) as f:\n        return [l.strip() for l in f]",
    ".header { color: #333; margin: 0 auto; }\n.nav > li { float: left; padding: 4px; }",
    "SELECT id, name FROM users WHERE created_at > '2020-01-01' ORDER BY id;",
    "if (x == null) { throw new Error('x'); }\nconst y = x.map(v => v * 2);",
    '<div class="row"><span id="price">$$</span></div>',
    "import os, sys\nfor k, v in os.environ.items(): print(k, '=', v)",
]
SYMBOL_LINES = [
    "★★★★★ ★★★★☆ ★★★☆☆",
    "### ### ### ###",
    "|| == || == || == ||",
    ">>> >>> >>> <<< <<<",
    "$$$ %%% &&& *** @@@",
    "#1 #2 #3 #4 #5 #6 #7",
    "--- +++ --- +++ ---",
    "... ... ... ... ...",
    "0x00 0xFF 0x1A 0x2B 0x3C",
    "=== === ===",
    "→ → → ← ← ←",
    "[ ] [x] [ ] [x] [ ]",
]
REPEAT_LINES = [
    "Buy now and save big today.",
    "This product is the best product for you.",
    "Click the link below to learn more.",
    "Best price guaranteed, order online now.",
    "Top quality at the lowest price every day.",
    "Limited offer, only a few items left in stock.",
]

# ---- personal data to plant (all made up; reserved example ranges where they exist) --------
EMAIL_USERS = _items(
    "anna.berg, j.smith, info, contact, m_lopez, kenji+news, sales, p.okafor, "
    "office, h.nguyen, support, editor"
)
EMAIL_DOMAINS = _items("example.org, example.com, mail.example.net, example.co.uk, post.example.de")
PHONE_FORMATS = [
    "+1 (555) {a}-{b}",
    "(555) {a}-{b}",
    "555-{a}-{b}",
    "+44 20 7946 {b}",
    "020 7946 {b}",
    "+49 30 {a}{b}",
    "+1 555 {a} {b}",
    "555.{a}.{b}",
]
IP_PREFIXES = [
    "192.168.{x}.{y}",
    "10.0.{x}.{y}",
    "203.0.113.{y}",
    "198.51.100.{y}",
    "172.16.{x}.{y}",
]
PII_SENTENCES = {
    "email": [
        "For questions, write to {value} and we will reply within a week.",
        "Send your photos to {value} if you would like them featured.",
        "Corrections are welcome at {value}.",
    ],
    "phone": [
        "You can also call the helpline on {value} during office hours.",
        "Bookings are taken by phone at {value}.",
        "Ring {value} if you would rather talk it through.",
    ],
    "ip": [
        "Our old server at {value} kept the original files.",
        "If the page fails to load, try the mirror at {value} instead.",
        "The home router usually answers at {value} by default.",
    ],
}


A_BEFORE_VOWEL = re.compile(r"\b([Aa]) ([aeiou])")


def _fill(template: str, rng: random.Random, bank: dict) -> str:
    def pick(key: str) -> str:
        return rng.choice(bank[key])

    values = {
        "noun": pick("noun"),
        "plural": pick("plural"),
        "verb": pick("verb"),
        "adj": pick("adj"),
        "place": pick("place"),
        "person": rng.choice(PEOPLE),
        "time": rng.choice(TIMES),
        "number": str(rng.choice([2, 3, 4, 5, 10, 15, 20, 30])),
        "percent": str(rng.randrange(10, 90)),
        "price": f"{rng.randrange(5, 400)}.{rng.choice(['00', '50', '99'])}",
        "year": str(rng.choice(YEARS)),
    }
    values["Connect"] = rng.choice(CONNECT)
    values["Person"] = values["person"]
    values["Verb"] = values["verb"].capitalize()
    text = A_BEFORE_VOWEL.sub(r"\1n \2", template.format(**values))
    return text[0].upper() + text[1:]


def _title(rng: random.Random, bank: dict) -> str:
    return _fill(rng.choice(bank["title"]), rng, bank)


def _paragraph(rng: random.Random, bank: dict, n_sentences: int, pool: list[str]) -> str:
    picks = [pool.pop(rng.randrange(len(pool))) for _ in range(min(n_sentences, len(pool)))]
    return " ".join(_fill(t, rng, bank) for t in picks)


def _good_text(rng: random.Random) -> str:
    """A titled article or how-to of 1-6 paragraphs, mostly 150-450 words."""
    topic = rng.choice(list(TOPICS))
    bank = TOPICS[topic]
    pool = list(SENTENCES)
    parts = [_title(rng, bank)]
    style = rng.random()
    if style < 0.12:  # a short news-style note: one or two paragraphs, 50-100 words
        for _ in range(rng.choice([1, 2])):
            parts.append(_paragraph(rng, bank, rng.randint(3, 4), pool))
    else:
        for _ in range(rng.randint(3, 6)):
            parts.append(_paragraph(rng, bank, rng.randint(3, 5), pool))
    if 0.12 <= style < 0.40:  # a how-to with numbered steps
        steps = rng.sample(STEP_SENTENCES, rng.randint(4, 7))
        at = rng.randint(2, len(parts))
        numbered = [f"{i + 1}. {_fill(s, rng, bank)}" for i, s in enumerate(steps)]
        parts[at:at] = ["Here is the routine we follow:", "\n".join(numbered)]
    elif 0.40 <= style < 0.46:  # a list of short lines (kit or ingredients)
        items = rng.sample(bank["plural"] + bank["noun"], rng.randint(5, 9))
        at = rng.randint(2, len(parts))
        parts[at:at] = ["What you need:", "\n".join(f"- {i}" for i in items)]
    elif 0.46 <= style < 0.49 and topic == "software":  # a snippet with a curly brace
        snippet = rng.choice(['{"retries": 3, "timeout": 30}', "if (ok) { save(); }"])
        parts.insert(rng.randint(2, len(parts)), f"A minimal example looks like {snippet}")
    sep = "\n\n" if rng.random() < 0.5 else "\n"
    return sep.join(parts)


def _pii_values(rng: random.Random) -> list[tuple[str, str]]:
    kinds = rng.sample(["email", "phone", "ip"], rng.randint(1, 3))
    out = []
    for kind in kinds:
        for _ in range(rng.choice([1, 1, 2])):
            if kind == "email":
                value = f"{rng.choice(EMAIL_USERS)}@{rng.choice(EMAIL_DOMAINS)}"
            elif kind == "phone":
                value = rng.choice(PHONE_FORMATS).format(
                    a=f"{rng.randrange(100, 1000)}", b=f"{rng.randrange(1000, 10000)}"
                )
            else:
                value = rng.choice(IP_PREFIXES).format(
                    x=rng.randrange(0, 256), y=rng.randrange(1, 255)
                )
            out.append((kind, value))
    return out


def _good_pii_text(rng: random.Random) -> tuple[str, tuple[tuple[str, str], ...]]:
    text = _good_text(rng)
    sep = "\n\n" if "\n\n" in text else "\n"
    parts = text.split(sep)
    pii = _pii_values(rng)
    for kind, value in pii:
        sentence = rng.choice(PII_SENTENCES[kind]).format(value=value)
        i = rng.randrange(1, len(parts))
        parts[i] = parts[i] + " " + sentence
    return sep.join(parts), tuple(pii)


def _boilerplate_text(rng: random.Random) -> str:
    site = rng.choice(SITES).capitalize()
    if rng.random() < 0.1:  # legal text: full sentences, so prose rules let much of it pass
        lines = [f"Terms and conditions of {site}"]
        lines += [s.format(site=site) for s in rng.sample(LEGAL_SENTENCES, rng.randint(6, 9))]
        return "\n".join(lines)
    lines = [" | ".join(rng.sample(MENU, rng.randint(4, 8)))]
    lines += rng.sample(COOKIE_LINES, rng.randint(3, 8))
    if rng.random() < 0.5:
        lines += rng.sample(MENU, rng.randint(5, 12))
    if rng.random() < 0.15:  # a template page nobody filled in
        lines.append(
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod "
            "tempor incididunt ut labore et dolore magna aliqua."
        )
    lines.append(f"© {rng.choice(YEARS[-15:])} {site} Ltd. All rights reserved.")
    return "\n".join(lines)


def _spam_text(rng: random.Random) -> str:
    product = rng.choice(SPAM_PRODUCTS)
    place = rng.choice(SPAM_PLACES)
    style = rng.random()
    if style < 0.4:  # keyword stuffing with hashtags
        words = []
        for _ in range(rng.randint(40, 90)):
            words.append(
                rng.choice(
                    [
                        product,
                        f"{product} {place}",
                        f"#{product.split()[-1]}",
                        f"best {product}",
                        f"{product} online",
                        "#deal",
                        "#sale",
                    ]
                )
            )
        return f"{product.title()} {place}\n" + " ".join(words)
    if style < 0.8:  # sentences built around one keyword
        templates = [
            "Looking for {p} in {c}? We have the best {p} in {c}.",
            "Our {p} are the cheapest {p} you can find.",
            "Compare {p} now and get {p} today.",
            "Why pay more for {p}? Get {p} in {c} at the best price.",
            "{P} {c}, {p} near me, best {p} {c}.",
            "Thousands of customers trust our {p}.",
        ]
        sentences = [
            rng.choice(templates).format(p=product, c=place, P=product.capitalize())
            for _ in range(rng.randint(8, 20))
        ]
        return f"{product.title()} in {place}\n" + " ".join(sentences)
    # content-farm spam: filler prose around a sales pitch, hard to catch with simple rules
    bank = TOPICS[rng.choice(list(TOPICS))]
    pool = list(SENTENCES)
    pitch = (
        f"Looking for {product} in {place}? Our {product} are trusted by thousands. "
        f"Visit our {product} page today and get the best {product} deal in {place}."
    )
    if style < 0.9:
        body = _paragraph(rng, bank, 3, pool)
        return f"{product.title()} | {place}\n{pitch}\n{body}\n{pitch}"
    body = "\n".join(_paragraph(rng, bank, 3, pool) for _ in range(rng.randint(2, 3)))
    return f"{product.title()} | {place}\n{pitch}\n{body}"


def _short_text(rng: random.Random) -> str:
    template = rng.choice(SHORT_FRAGMENTS)
    return template.format(
        date=f"{rng.randint(1, 28)} March {rng.choice(YEARS[-10:])}",
        topic=rng.choice(list(TOPICS)),
        person=rng.choice(PEOPLE),
        site=rng.choice(SITES),
        count=rng.randint(2, 900),
    )


def _list_text(rng: random.Random) -> str:
    topic = rng.choice(list(TOPICS))
    bank = TOPICS[topic]
    items = bank["plural"] + bank["noun"] + bank["place"]
    bullet = rng.choice(["•", "-", "*", "‣"])
    lines = [f"Top {rng.randint(10, 30)} {topic} links"]
    for _ in range(rng.randint(12, 30)):
        line = f"{bullet} {rng.choice(bank['adj']).capitalize()} {rng.choice(items)}"
        if rng.random() < 0.3:
            line += " …"
        lines.append(line)
    return "\n".join(lines)


def _symbols_text(rng: random.Random) -> str:
    if rng.random() < 0.6:
        parts = rng.sample(CODE_SNIPPETS, rng.randint(2, 4))
        return "\n\n".join(parts)
    lines = [rng.choice(SYMBOL_LINES) for _ in range(rng.randint(8, 20))]
    return "\n".join(lines)


def _foreign_text(rng: random.Random) -> tuple[str, str]:
    lang = rng.choice(list(FOREIGN_SENTENCES))
    pool = list(FOREIGN_SENTENCES[lang])
    rng.shuffle(pool)
    paragraphs = [rng.choice(FOREIGN_TITLES[lang])]
    k = rng.randint(6, len(pool))
    chunk = rng.randint(2, 4)
    chosen = [s.format(n=rng.choice(FOREIGN_NOUNS[lang])) for s in pool[:k]]
    for i in range(0, len(chosen), chunk):
        paragraphs.append(" ".join(chosen[i : i + chunk]))
    return "\n".join(paragraphs), lang


def _repetitive_text(rng: random.Random) -> str:
    if rng.random() < 0.5:
        lines = rng.sample(REPEAT_LINES, rng.randint(1, 3))
        return "\n".join(rng.choice(lines) for _ in range(rng.randint(15, 40)))
    bank = TOPICS[rng.choice(list(TOPICS))]
    paragraph = _paragraph(rng, bank, 3, list(SENTENCES))
    return "\n\n".join([paragraph] * rng.randint(3, 8))


def _exact_copy(text: str, rng: random.Random) -> str:
    """A copy that only differs in case or whitespace, or not at all."""
    style = rng.random()
    if style < 0.5:
        return text
    if style < 0.8:
        return "  " + text.replace("\n", "\n\n") + "\n"
    return text.upper() if rng.random() < 0.3 else re.sub(r" ", "  ", text)


def _near_copy(text: str, rng: random.Random) -> str:
    """The same page republished: a different header and footer, and a few words edited."""
    lines = text.split("\n")
    words = lines[-1].split(" ") if lines else []
    for _ in range(rng.randint(1, 3)):
        if len(words) > 4:
            i = rng.randrange(len(words))
            words[i] = rng.choice(["really", "very", "quite", "also", "often", "now"])
    if lines:
        lines[-1] = " ".join(words)
    header = rng.choice(
        [
            "Reposted from our archive",
            "Guest post",
            f"Originally published on {rng.choice(SITES)}.example.com",
            "Updated edition",
            "From the newsletter",
        ]
    )
    footer = rng.choice(
        [
            "",
            "Thanks for reading.",
            "Share this with a friend who needs it.",
            "Comments are welcome below.",
        ]
    )
    return "\n".join([header, *lines, *([footer] if footer else [])])


MAKERS = {
    BOILERPLATE: _boilerplate_text,
    SPAM: _spam_text,
    SHORT: _short_text,
    LIST: _list_text,
    SYMBOLS: _symbols_text,
    REPETITIVE: _repetitive_text,
}


def _slug(text: str) -> str:
    first = text.strip().split("\n", 1)[0].lower()
    return "-".join(re.findall(r"[a-z0-9]+", first)[:6]) or "page"


def generate(n_docs: int = 3000, seed: int = 0) -> list[Document]:
    """`n_docs` labelled web-like documents, the same for the same seed.

    Kinds follow `MIX`. Duplicates always come after the good document they copy (a crawl
    meets the original first), so "keep the first of each group" is the right answer."""
    if n_docs < 1:
        raise ValueError("Ask for at least one document.")
    rng = random.Random(seed)
    counts = {label: int(round(share * n_docs)) for label, share in MIX.items()}
    counts[GOOD] += n_docs - sum(counts.values())  # rounding goes to the good documents
    n_copies = counts[EXACT_DUPLICATE] + counts[NEAR_DUPLICATE]
    if counts[GOOD] < 1 and n_copies:
        counts[GOOD], counts[EXACT_DUPLICATE], counts[NEAR_DUPLICATE] = n_copies, 0, 0

    # (text, label, pii) for every non-duplicate, then shuffle them into crawl order
    base: list[tuple[str, str, tuple]] = []
    for _ in range(counts[GOOD]):
        base.append((_good_text(rng), GOOD, ()))
    for _ in range(counts[GOOD_PII]):
        text, pii = _good_pii_text(rng)
        base.append((text, GOOD_PII, pii))
    for label, make in MAKERS.items():
        for _ in range(counts[label]):
            base.append((make(rng), label, ()))
    languages: dict[str, str] = {}
    for _ in range(counts[FOREIGN]):
        text, lang = _foreign_text(rng)
        languages[text] = lang
        base.append((text, FOREIGN, ()))
    rng.shuffle(base)

    # each copy goes somewhere after its original
    order: list[tuple[str, str, tuple, int | None]] = [(t, lab, p, None) for t, lab, p in base]
    good_positions = [i for i, (_, lab, _, _) in enumerate(order) if lab == GOOD]
    # a near copy of a very short page is not "near": its edits change most of its 5-grams
    long_positions = [i for i in good_positions if len(order[i][0].split()) >= 120]
    copies = [EXACT_DUPLICATE] * counts[EXACT_DUPLICATE] + [NEAR_DUPLICATE] * counts[NEAR_DUPLICATE]
    inserts: list[tuple[int, float, tuple]] = []
    for k, label in enumerate(copies):
        src = rng.choice(good_positions if label == EXACT_DUPLICATE else long_positions)
        text = order[src][0]
        copy = _exact_copy(text, rng) if label == EXACT_DUPLICATE else _near_copy(text, rng)
        at = rng.randint(src + 1, len(order))
        inserts.append((at, k, (copy, label, (), src)))
    # insert from the back so earlier positions stay valid; remember where originals go
    final: list[tuple[str, str, tuple, int | None]] = []
    by_position: dict[int, list[tuple]] = {}
    for at, k, item in inserts:
        by_position.setdefault(at, []).append((k, item))
    new_index: dict[int, int] = {}
    for i in range(len(order) + 1):
        for _, item in sorted(by_position.get(i, []), key=lambda x: x[0]):
            final.append(item)
        if i < len(order):
            new_index[i] = len(final)
            final.append(order[i])

    docs = []
    for i, (text, label, pii, src) in enumerate(final):
        source_id = new_index[src] if src is not None else None
        site = SITES[(i * 7 + seed) % len(SITES)]
        language = (
            languages.get(text, "") if label == FOREIGN else ("" if label == SYMBOLS else "en")
        )
        docs.append(
            Document(
                i,
                text,
                label,
                f"https://{site}.example.com/{_slug(text)}-{i}",
                source_id,
                pii,
                language,
            )
        )
    return docs


@lru_cache(maxsize=4)
def default_corpus(n_docs: int = 3000, seed: int = 0) -> tuple[Document, ...]:
    """The corpus the lab uses, built once per process."""
    return tuple(generate(n_docs, seed))
