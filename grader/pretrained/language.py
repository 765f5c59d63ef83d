"""A tiny synthetic English with synonym clusters, used to pretrain and to fine-tune the BERT.

Every content word belongs to a *cluster* of four interchangeable synonyms (``dog``,
``hound``, ``puppy``, ``mutt``). The grammar only ever looks at clusters, so synonyms occur
in exactly the same contexts: whatever a model learns about the contexts of ``dog`` holds for
``hound`` too. Clusters differ from each other by their selectional preferences (which verbs
take which subjects and objects, which adjectives go with which nouns, which adverbs with
which verbs), drawn once from the seed: that is the "word knowledge" masked language
modelling can learn from unlabelled text.

A sentence is ``[adv] the [adj] NOUN VERB the [adj] NOUN [adv]`` (the adverb at the start or
at the end). A paragraph is a chain of sentences where each one either restates the previous
one in other words (same clusters, synonyms resampled, the adverb possibly moved) or goes on
with the story (the previous object becomes the new subject). Next sentence prediction on
such paragraphs rewards relating the two segments of a pair.

The labelled task (:func:`make_pairs`) is paraphrase detection: label 1 when sentence B says
the same as A in other words, 0 when one content word of B was swapped for a word of another
cluster (a grammatical sentence that means something else). Surface overlap does not help:
synonyms are resampled in both classes, so a model has to know which words are synonyms.

Everything is a deterministic function of a ``random.Random``; nothing is downloaded.
"""

from __future__ import annotations

import dataclasses
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
LABELS = ("unrelated", "related", "paraphrase")
RESTATE = 0.5


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
    """Which clusters belong to which topic, drawn once from ``seed``.

    Each of the six topics owns 4 noun clusters, 2 verb clusters and 2 adjective clusters.
    """

    def __init__(self, seed: int = 0, num_topics: int | None = None):
        rng = random.Random(seed)
        self.num_topics = num_topics = num_topics or NUM_TOPICS
        self.nouns, self.verbs, self.adjectives = [], [], []
        for clusters, per_topic in ((NOUNS, self.nouns), (VERBS, self.verbs),
                                    (ADJECTIVES, self.adjectives)):
            order = list(range(len(clusters)))
            rng.shuffle(order)
            size = len(clusters) // num_topics
            per_topic.extend(sorted(order[size * t:size * (t + 1)]) for t in range(num_topics))

    def meaning(self, rng: random.Random, topic: int, subj: int | None = None) -> Meaning:
        """A random meaning of ``topic`` (with the given subject cluster if asked)."""
        if subj is None:
            subj = rng.choice(self.nouns[topic])
        obj = rng.choice([n for n in self.nouns[topic] if n != subj])
        return Meaning(rng.choice(self.adjectives[topic]), subj, rng.choice(self.verbs[topic]),
                       rng.choice(self.adjectives[topic]), obj)

    def other_meaning(self, rng: random.Random, topic: int, meaning: Meaning) -> Meaning:
        """A meaning of ``topic`` whose every slot has another cluster than ``meaning``'s."""
        subj = rng.choice([n for n in self.nouns[topic] if n not in (meaning.subj, meaning.obj)])
        obj = rng.choice([n for n in self.nouns[topic] if n not in (meaning.obj, subj)])
        return Meaning(rng.choice([a for a in self.adjectives[topic] if a != meaning.subj_adj]),
                       subj, rng.choice([v for v in self.verbs[topic] if v != meaning.verb]),
                       rng.choice([a for a in self.adjectives[topic] if a != meaning.obj_adj]), obj)


def realize(meaning: Meaning, rng: random.Random) -> list[str]:
    """Words for ``meaning``: a synonym drawn at random for every slot."""
    m = meaning
    return [rng.choice(ADJECTIVES[m.subj_adj]), rng.choice(NOUNS[m.subj]),
            rng.choice(VERBS[m.verb]), rng.choice(ADJECTIVES[m.obj_adj]), rng.choice(NOUNS[m.obj])]


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

    2 paraphrase: B says what A says with synonyms drawn afresh; 1 related: B is about A's
    topic but every word's cluster differs from A's; 0 unrelated: B is about another topic.
    """
    grammar = Grammar(grammar_seed)
    rng = random.Random(seed)
    pairs = []
    for i in range(num_pairs):
        label = i % len(LABELS)
        topic = rng.randrange(grammar.num_topics)
        meaning = grammar.meaning(rng, topic)
        if label == 2:
            other = meaning
        elif label == 1:
            other = grammar.other_meaning(rng, topic, meaning)
        else:
            other = grammar.meaning(rng, rng.choice([t for t in range(grammar.num_topics) if t != topic]))
        pairs.append((realize(meaning, rng), realize(other, rng), label))
    rng.shuffle(pairs)
    return pairs
