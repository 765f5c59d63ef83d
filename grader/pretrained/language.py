"""A tiny synthetic English with synonyms and topics, used to pretrain and fine-tune the BERT.

Every content word belongs to a *cluster* of four interchangeable synonyms (``dog``,
``hound``, ``puppy``, ``mutt``), and every cluster to one of six *topics* (drawn once from a
seed: each topic owns 4 noun clusters, 2 verb clusters and 2 adjective clusters). The grammar
only ever looks at clusters, so synonyms occur in exactly the same contexts.

A sentence is ``ADJ NOUN VERB ADJ NOUN`` with every word from one topic, e.g. "old hound
chases quick kitty". A paragraph is 3 to 6 sentences on one topic: each restates the previous
one with synonyms drawn afresh, or says something new about the topic (half of the time about
the previous sentence's object). Masked language modelling on this corpus learns which words
go together (topics, synonyms); next sentence prediction learns to tell whether two
sentences belong together.

The labelled task (:func:`make_pairs`): are sentences A and B about the same topic? Half of
the pairs are (B restates A, or says something else on A's topic), half are not (B is about
another topic). B never repeats a word of A, so surface overlap gives nothing away: a model
has to know which words belong to which topic, which the pretrained encoder learned from its
corpus and a randomly initialized one cannot learn from a thousand labelled pairs.

Everything is a deterministic function of a ``random.Random``; nothing is downloaded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

NOUNS = [
    ["dog", "hound", "puppy", "mutt"],
    ["cat", "kitty", "feline", "kitten"],
    ["horse", "pony", "steed", "mare"],
    ["bird", "sparrow", "finch", "songbird"],
    ["child", "kid", "youngster", "toddler"],
    ["doctor", "physician", "medic", "surgeon"],
    ["teacher", "tutor", "instructor", "mentor"],
    ["farmer", "grower", "rancher", "planter"],
    ["sailor", "seaman", "mariner", "deckhand"],
    ["thief", "robber", "burglar", "crook"],
    ["king", "monarch", "ruler", "sovereign"],
    ["friend", "pal", "buddy", "companion"],
    ["car", "automobile", "vehicle", "sedan"],
    ["house", "home", "dwelling", "residence"],
    ["boat", "ship", "vessel", "yacht"],
    ["book", "novel", "volume", "tome"],
    ["road", "street", "avenue", "lane"],
    ["gift", "present", "donation", "offering"],
    ["city", "town", "metropolis", "township"],
    ["forest", "woods", "woodland", "jungle"],
    ["river", "stream", "creek", "brook"],
    ["money", "cash", "funds", "coins"],
    ["letter", "note", "message", "memo"],
    ["stone", "rock", "pebble", "boulder"],
]

VERBS = [
    ["sees", "watches", "notices", "spots"],
    ["likes", "loves", "adores", "enjoys"],
    ["helps", "assists", "aids", "supports"],
    ["chases", "pursues", "follows", "hunts"],
    ["builds", "constructs", "makes", "assembles"],
    ["finds", "discovers", "locates", "uncovers"],
    ["carries", "hauls", "bears", "lugs"],
    ["buys", "purchases", "acquires", "obtains"],
    ["breaks", "smashes", "shatters", "wrecks"],
    ["visits", "tours", "explores", "inspects"],
    ["fears", "dreads", "avoids", "shuns"],
    ["hides", "conceals", "buries", "stashes"],
]

ADJECTIVES = [
    ["big", "large", "huge", "enormous"],
    ["small", "little", "tiny", "miniature"],
    ["old", "ancient", "aged", "elderly"],
    ["new", "fresh", "modern", "recent"],
    ["happy", "cheerful", "glad", "joyful"],
    ["sad", "gloomy", "unhappy", "miserable"],
    ["fast", "quick", "rapid", "speedy"],
    ["quiet", "silent", "calm", "peaceful"],
    ["pretty", "beautiful", "lovely", "attractive"],
    ["strong", "powerful", "sturdy", "tough"],
    ["clever", "smart", "bright", "brilliant"],
    ["dirty", "muddy", "filthy", "grimy"],
]

ADVERBS = [
    ["often", "frequently", "regularly", "repeatedly"],
    ["rarely", "seldom", "occasionally", "infrequently"],
    ["quickly", "swiftly", "hastily", "briskly"],
    ["slowly", "gradually", "leisurely", "sluggishly"],
    ["secretly", "covertly", "privately", "stealthily"],
    ["carefully", "cautiously", "gently", "attentively"],
]

SPECIAL_TOKENS = ["<pad>", "<unk>", "<cls>", "<sep>", "<mask>"]
POS_CLUSTERS = {"noun": NOUNS, "verb": VERBS, "adj": ADJECTIVES}
NUM_TOPICS = 6
LABELS = ("different topic", "same topic")
RESTATE = 0.5
"""The probability that a sentence of a paragraph restates the previous one."""


def vocabulary_tokens() -> list[str]:
    """Every token of the language, specials first, in a fixed order."""
    tokens = list(SPECIAL_TOKENS)
    for clusters in POS_CLUSTERS.values():
        for cluster in clusters:
            tokens.extend(cluster)
    return tokens


@dataclass(frozen=True)
class Meaning:
    """A sentence's meaning: one cluster index per slot of ``ADJ NOUN VERB ADJ NOUN``."""

    subj_adj: int
    subj: int
    verb: int
    obj_adj: int
    obj: int


class Grammar:
    """Which clusters belong to which topic, drawn once from ``seed``."""

    def __init__(self, seed: int = 0):
        rng = random.Random(seed)
        self.num_topics = NUM_TOPICS
        self.nouns: list[list[int]] = []
        self.verbs: list[list[int]] = []
        self.adjectives: list[list[int]] = []
        for clusters, per_topic in ((NOUNS, self.nouns), (VERBS, self.verbs),
                                    (ADJECTIVES, self.adjectives)):
            order = list(range(len(clusters)))
            rng.shuffle(order)
            size = len(clusters) // NUM_TOPICS
            per_topic.extend(sorted(order[size * t:size * (t + 1)]) for t in range(NUM_TOPICS))

    def topic_of(self, meaning: Meaning) -> int:
        """The topic that owns the meaning's subject cluster (every slot has the same)."""
        return next(t for t in range(self.num_topics) if meaning.subj in self.nouns[t])

    def meaning(self, rng: random.Random, topic: int, subj: int | None = None) -> Meaning:
        """A random meaning of ``topic`` (with the given subject cluster if asked)."""
        if subj is None:
            subj = rng.choice(self.nouns[topic])
        obj = rng.choice([n for n in self.nouns[topic] if n != subj])
        return Meaning(rng.choice(self.adjectives[topic]), subj, rng.choice(self.verbs[topic]),
                       rng.choice(self.adjectives[topic]), obj)


def realize(meaning: Meaning, rng: random.Random, avoid: frozenset[str] = frozenset()
            ) -> list[str]:
    """Words for ``meaning``: a synonym drawn at random for every slot, none from ``avoid``."""
    m = meaning
    slots = [ADJECTIVES[m.subj_adj], NOUNS[m.subj], VERBS[m.verb], ADJECTIVES[m.obj_adj],
             NOUNS[m.obj]]
    return [rng.choice([w for w in cluster if w not in avoid]) for cluster in slots]


def paragraph(grammar: Grammar, rng: random.Random, restate: float = RESTATE
              ) -> list[list[str]]:
    """3 to 6 sentences on one topic; each restates the previous one (probability
    ``restate``) or says something new, half of the time about the previous object."""
    topic = rng.randrange(grammar.num_topics)
    meaning = grammar.meaning(rng, topic)
    sentences = [realize(meaning, rng)]
    for _ in range(rng.randint(2, 5)):
        r = rng.random()
        if r >= restate:
            subj = meaning.obj if r < restate + (1 - restate) / 2 else None
            meaning = grammar.meaning(rng, topic, subj=subj)
        sentences.append(realize(meaning, rng))
    return sentences


def corpus(seed: int, num_paragraphs: int, restate: float = RESTATE) -> list[list[list[str]]]:
    """The pretraining corpus: ``num_paragraphs`` paragraphs of tokenized sentences."""
    grammar = Grammar(seed)
    rng = random.Random(seed + 1)
    return [paragraph(grammar, rng, restate) for _ in range(num_paragraphs)]


def make_pairs(seed: int, num_pairs: int, grammar_seed: int = 0
               ) -> list[tuple[list[str], list[str], int]]:
    """Balanced labelled pairs ``(tokens_a, tokens_b, label)``, label an index of LABELS.

    1 same topic: B restates A (half of these) or says something else on A's topic;
    0 different topic. B never uses a word that occurs in A.
    """
    grammar = Grammar(grammar_seed)
    rng = random.Random(seed)
    pairs = []
    for i in range(num_pairs):
        label = i % 2
        topic = rng.randrange(grammar.num_topics)
        meaning = grammar.meaning(rng, topic)
        if label == 0:
            other = grammar.meaning(rng, rng.choice([t for t in range(grammar.num_topics)
                                                     if t != topic]))
        elif rng.random() < 0.5:
            other = meaning
        else:
            other = grammar.meaning(rng, topic)
        tokens_a = realize(meaning, rng)
        pairs.append((tokens_a, realize(other, rng, frozenset(tokens_a)), label))
    rng.shuffle(pairs)
    return pairs
