"""Finding products (issue 13): search, suggestions, "did you mean" and facet counts.

PostgreSQL: full-text search over the stored `search_vector` (English word forms; name,
brand and sku weigh most, then category and pet type, then description; see migration
"search_vector"), plus the exact sku or part of it. When no product holds every word
(asked once per term), the search turns typo tolerant: each word may match as a word
start or as one of its close spellings, found by trigram similarity in the vocabulary
of the names' and brands' words (SearchWord, migration "search_words"): a few thousand
words compared instead of every product. Either way the products are found by one
lookup of the full-text GIN index; ranked by relevance: the exact sku first, then the
full-text rank (plus name similarity for an exact search).

SQLite (development, CI's second database): a plainer search. Every word (a trailing
plural "s" dropped) must appear, in any case, in the name, brand, sku, description,
category or pet type; the exact sku, then name matches come first; no typo tolerance
in the search itself ("did you mean" still offers close names).
"""

import difflib
import re
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connections, transaction
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Upper

from catalog.cache import cached
from catalog.models import Product, SearchWord

MAX_TERM_LENGTH = 200
SUGGEST_LIMIT = 8
SUGGEST_MIN_LENGTH = 2
# Close matches ranked for suggestions (beyond the names starting with the term).
SUGGEST_CANDIDATES = 200
DID_YOU_MEAN_LIMIT = 5
# Below the search's own word-similarity threshold (pg_trgm's default 0.6): "did you
# mean" is asked only when the search found nothing, so it must reach further.
DID_YOU_MEAN_THRESHOLD = 0.3
SKU_BONUS = 100.0  # an exact sku outranks any text match
SKU_PART_BONUS = 2.0  # part of a sku ("bisc-4"), for staff who remember its start
# Trigrams need three characters to say anything (and to use the index).
TRIGRAM_MIN_LENGTH = 3
# Close spellings tried per misspelt word (the closest first).
CLOSE_WORDS_PER_WORD = 5

# Price bands of the price facet: lower bound inclusive, upper bound exclusive (the last
# is open). Prices carry two decimals, so a band [10, 25) is min_price=10, max_price=24.99.
PRICE_BANDS = (
    (Decimal("0"), Decimal("10")),
    (Decimal("10"), Decimal("25")),
    (Decimal("25"), Decimal("50")),
    (Decimal("50"), Decimal("100")),
    (Decimal("100"), None),
)
CENT = Decimal("0.01")

# Letters and digits only: what reaches a tsquery can never be an operator.
_WORD = re.compile(r"[^\W_]+")


def normalise_term(term: str | None) -> str:
    """The search as the database sees it, and as cache keys name it: control
    characters (NUL included, which PostgreSQL refuses in text) dropped, spacing
    collapsed, lower case. Every search is case-insensitive, so this changes no result."""
    if not term:
        return ""
    printable = "".join(ch if ch.isprintable() else " " for ch in term)
    return " ".join(printable.split()).lower()[:MAX_TERM_LENGTH]


def _words(term: str) -> list[str]:
    return _WORD.findall(term)


def _is_postgres(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _tsquery(groups: list[list[str]]) -> SearchQuery:
    # Every group must match, any word of a group will do; each word is stemmed by the
    # English configuration (`toys` → 'toy'). Words are letters and digits only (a
    # prefix adds ":*"), so the raw syntax is safe.
    text = " & ".join("(" + " | ".join(group) + ")" for group in groups)
    return SearchQuery(text, search_type="raw", config="english")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def search(queryset, term: str):
    """`queryset` narrowed to the products matching `term`, with a `relevance` alias
    (order by "-relevance"). A blank term (after normalising) narrows nothing."""
    term = normalise_term(term)
    if not term:
        return queryset.alias(relevance=Value(0.0, output_field=FloatField()))
    if _is_postgres(queryset):
        return _search_postgres(queryset, term)
    return _search_plain(queryset, term)


def _search_postgres(queryset, term: str):
    words = _words(term)
    sku_exact = Q(sku__iexact=term)
    # Part of a sku only from three characters on (the trigram index on UPPER(sku)).
    sku_part = Q(sku__icontains=term) if len(term) >= TRIGRAM_MIN_LENGTH else sku_exact
    relevance = Case(When(sku_exact, then=Value(SKU_BONUS)), default=Value(0.0)) + Case(
        When(sku_part, then=Value(SKU_PART_BONUS)), default=Value(0.0)
    )
    if not words:
        return queryset.filter(sku_exact | sku_part).alias(relevance=relevance)
    typo_groups = _typo_groups(term)
    if typo_groups is None:
        # Every word is a word somewhere: one GIN lookup of the exact words, ranked by
        # full-text rank and name similarity.
        query = _tsquery([[word] for word in words])
        return queryset.filter(sku_exact | sku_part | Q(search_vector=query)).alias(
            relevance=relevance
            + SearchRank(F("search_vector"), query)
            + TrigramWordSimilarity(Value(term), "name") * Value(0.5)
        )
    # Some word is no word: typo tolerant. Every word must match as a word start or as
    # one of its close spellings from the vocabulary: still one GIN lookup.
    query = _tsquery(typo_groups)
    return queryset.filter(sku_exact | sku_part | Q(search_vector=query)).alias(
        relevance=relevance + SearchRank(F("search_vector"), query)
    )


def _typo_groups(term: str) -> list[list[str]] | None:
    """None when some product (of the whole catalog, so that the answer is the same
    for every filter and facet of one search) holds every word of `term`: then the
    search is a plain full-text one. Else, per word, the words that may stand for it
    (its prefix and its close spellings). Cached per term."""

    def compute():
        words = _words(term)
        # A count, not exists(): under LIMIT 1 the planner scans the table for a word
        # it has no statistics on (every misspelt one), expecting an early hit.
        if Product.objects.filter(search_vector=_tsquery([[w] for w in words])).count():
            return None
        return [
            [f"{word}:*", *close] for word, close in zip(words, _close_words(words), strict=True)
        ]

    return cached("search:typo_groups", (term,), compute)


def _close_words(words: list[str]) -> list[list[str]]:
    """For each word, the vocabulary's closest spellings (pg_trgm word similarity over
    the default threshold, served by the trigram index on SearchWord.word), in one
    query. Words under three letters have none: trigrams say nothing about them."""
    close: list[list[str]] = [[] for _ in words]
    branches = [
        SearchWord.objects.filter(products__gt=0, word__trigram_word_similar=word)
        .annotate(position=Value(i), closeness=TrigramWordSimilarity(Value(word), "word"))
        .order_by("-closeness", "word")
        .values_list("position", "word")[:CLOSE_WORDS_PER_WORD]
        for i, word in enumerate(words)
        if len(word) >= TRIGRAM_MIN_LENGTH
    ]
    if branches:
        for position, word in branches[0].union(*branches[1:], all=True):
            if _WORD.fullmatch(word):
                close[position].append(word)
    return close


def _search_plain(queryset, term: str):
    words = [_singular(word) for word in _words(term)]
    word_match = Q()
    for word in words:
        word_match &= (
            Q(name__icontains=word)
            | Q(brand__icontains=word)
            | Q(sku__icontains=word)
            | Q(description__icontains=word)
            | Q(category__name__icontains=word)
            | Q(pet_type__name__icontains=word)
        )
    match = Q(sku__icontains=term)
    if word_match:
        match |= word_match
    # Ranked: the exact sku, then part of a sku, then how many words the name and the
    # brand hold.
    relevance = Case(
        When(sku__iexact=term, then=Value(SKU_BONUS)),
        When(sku__icontains=term, then=Value(SKU_PART_BONUS)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    for word in words:
        relevance += Case(
            When(name__icontains=word, then=Value(1.0)),
            When(brand__icontains=word, then=Value(0.5)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return queryset.filter(match).alias(relevance=relevance)


def suggest(term: str, *, limit: int = SUGGEST_LIMIT) -> list[dict]:
    """Up to `limit` active products `{id, name, slug}` for a search box as the shopper
    types: names starting with the term first, then word prefixes and close spellings."""
    term = normalise_term(term)
    if len(term) < SUGGEST_MIN_LENGTH:
        return []
    queryset = Product.objects.active().alias(upper_name=Upper("name"))
    starts = Q(upper_name__startswith=term.upper())
    if _is_postgres(queryset):
        return _suggest_postgres(queryset, term, starts, limit)
    match = starts
    for word in _words(term):
        match |= Q(name__icontains=word)
    queryset = queryset.filter(match).alias(
        starts_first=Case(When(starts, then=Value(1.0)), default=Value(0.0))
    )
    rows = queryset.order_by("-starts_first", "name", "id").values("id", "name", "slug")
    return list(rows[:limit])


def _suggest_postgres(queryset, term: str, starts: Q, limit: int) -> list[dict]:
    # Names starting with the term (the trigram index on UPPER(name) serves the LIKE).
    # Ordered by UPPER(name): by name, the planner walks the name index hoping for an
    # early match, through most of the catalog when the term starts late in the alphabet.
    rows = list(
        queryset.filter(starts).order_by("upper_name", "id").values("id", "name", "slug")[:limit]
    )
    words = _words(term)
    if len(rows) == limit or not words:
        return rows
    # Then names holding a word start or a close spelling (from the vocabulary): a
    # bounded set of full-text matches, ranked by name similarity. A close spelling can
    # match a whole brand; ranking every match would cost a row each.
    groups = [[f"{w}:*", *close] for w, close in zip(words, _close_words(words), strict=True)]
    candidates = (
        queryset.filter(search_vector=_tsquery(groups))
        .exclude(starts)
        .order_by()
        .values("pk")[:SUGGEST_CANDIDATES]
    )
    rows += (
        Product.objects.filter(pk__in=candidates)
        .alias(score=TrigramWordSimilarity(Value(term), "name"))
        .order_by("-score", "name", "id")
        .values("id", "name", "slug")[: limit - len(rows)]
    )
    return rows


def did_you_mean(term: str, *, limit: int = DID_YOU_MEAN_LIMIT) -> list[dict]:
    """The active products whose names come closest to `term` (for a search that found
    nothing): `{id, name, slug}`, closest first."""
    term = normalise_term(term)
    if not _words(term):
        return []
    queryset = Product.objects.active()
    if _is_postgres(queryset):
        with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
            # Local to this transaction: the search's own threshold stays untouched.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(DID_YOU_MEAN_THRESHOLD)],
            )
            # Any word close to a word of the name, closest to the whole term first.
            close = Q(upper_name__trigram_word_similar=term)
            for word in _words(term):
                if len(word) >= TRIGRAM_MIN_LENGTH:
                    close |= Q(upper_name__trigram_word_similar=word)
            rows = (
                queryset.alias(upper_name=Upper("name"))
                .filter(close)
                .alias(similarity=TrigramWordSimilarity(Value(term), "name"))
                .order_by("-similarity", "name", "id")
                .values("id", "name", "slug")
            )
            return list(rows[:limit])
    # SQLite: a development database, small enough to compare names in Python. Names
    # with the most words close to the term's words first, then the closest overall.
    words = _words(term)
    scored = []
    for row in queryset.order_by("name", "id").values("id", "name", "slug")[:5000]:
        lower = row["name"].lower()
        name_words = _words(lower)
        hits = sum(1 for w in words if difflib.get_close_matches(w, name_words, n=1, cutoff=0.75))
        if hits:
            ratio = difflib.SequenceMatcher(None, term, lower).ratio()
            scored.append((-hits, -ratio, row["name"], row["id"], row))
    return [entry[-1] for entry in sorted(scored)[:limit]]


# --- Cached reads (catalog.cache: versioned, so never stale) ------------------------


def cached_suggest(term: str) -> list[dict]:
    term = normalise_term(term)
    if len(term) < SUGGEST_MIN_LENGTH:
        return []
    return cached("search:suggest", (term,), lambda: suggest(term))


def cached_did_you_mean(term: str) -> list[dict]:
    term = normalise_term(term)
    return cached("search:did_you_mean", (term,), lambda: did_you_mean(term))
