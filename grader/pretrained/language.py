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

FUNCTION_WORDS = ["the"]
SPECIAL_TOKENS = ["<pad>", "<unk>", "<cls>", "<sep>", "<mask>"]
POS_CLUSTERS = {"noun": NOUNS, "verb": VERBS, "adj": ADJECTIVES, "adv": ADVERBS}


def vocabulary_tokens() -> list[str]:
    """Every token of the language, specials first, in a fixed order."""
    tokens = list(SPECIAL_TOKENS) + list(FUNCTION_WORDS)
    for clusters in POS_CLUSTERS.values():
        for cluster in clusters:
            tokens.extend(cluster)
    return tokens


def cluster_of(word: str) -> tuple[str, int] | None:
    """(part of speech, cluster index) of a content word, None for other tokens."""
    for pos, clusters in POS_CLUSTERS.items():
        for index, cluster in enumerate(clusters):
            if word in cluster:
                return pos, index
    return None


@dataclass(frozen=True)
class Meaning:
    """A sentence's meaning: one cluster per slot (None for an absent adjective/adverb)."""

    subj: int
    verb: int
    obj: int
    subj_adj: int | None
    obj_adj: int | None
    adv: int | None


class Grammar:
    """The selectional preferences of the language, drawn once from ``seed``."""

    def __init__(self, seed: int = 0):
        rng = random.Random(seed)
        n_nouns, n_verbs, n_adjs, n_advs = len(NOUNS), len(VERBS), len(ADJECTIVES), len(ADVERBS)
        # Each verb takes a few subject and object clusters; every noun must be a possible
        # subject of some verb, so that a story can always go on from any object.
        while True:
            self.subjects = [sorted(rng.sample(range(n_nouns), 6)) for _ in range(n_verbs)]
            self.objects = [sorted(rng.sample(range(n_nouns), 6)) for _ in range(n_verbs)]
            if all(any(n in s for s in self.subjects) for n in range(n_nouns)) and \
                    all(any(n in o for o in self.objects) for n in range(n_nouns)):
                break
        self.adjectives = [sorted(rng.sample(range(n_adjs), 4)) for _ in range(n_nouns)]
        self.adverbs = [sorted(rng.sample(range(n_advs), 3)) for _ in range(n_verbs)]
        self.verbs_with_subject = [[v for v in range(n_verbs) if n in self.subjects[v]]
                                   for n in range(n_nouns)]

    def meaning(self, rng: random.Random, subj: int | None = None) -> Meaning:
        """A random meaning that respects the preferences (with a given subject if asked)."""
        if subj is None:
            verb = rng.randrange(len(VERBS))
            subj = rng.choice(self.subjects[verb])
        else:
            verb = rng.choice(self.verbs_with_subject[subj])
        obj = rng.choice([o for o in self.objects[verb] if o != subj] or self.objects[verb])
        subj_adj = rng.choice(self.adjectives[subj]) if rng.random() < 0.5 else None
        obj_adj = rng.choice(self.adjectives[obj]) if rng.random() < 0.5 else None
        adv = rng.choice(self.adverbs[verb]) if rng.random() < 0.6 else None
        return Meaning(subj, verb, obj, subj_adj, obj_adj, adv)

    def alternatives(self, meaning: Meaning, slot: str) -> list[int]:
        """Other clusters that fit ``slot`` of ``meaning`` (a different, still valid meaning)."""
        m = meaning
        if slot == "subj":
            return [n for n in self.subjects[m.verb] if n != m.subj and n != m.obj
                    and (m.subj_adj is None or m.subj_adj in self.adjectives[n])]
        if slot == "obj":
            return [n for n in self.objects[m.verb] if n != m.obj and n != m.subj
                    and (m.obj_adj is None or m.obj_adj in self.adjectives[n])]
        if slot == "verb":
            return [v for v in range(len(VERBS)) if v != m.verb and m.subj in self.subjects[v]
                    and m.obj in self.objects[v] and (m.adv is None or m.adv in self.adverbs[v])]
        if slot == "subj_adj":
            return [a for a in self.adjectives[m.subj] if a != m.subj_adj]
        if slot == "obj_adj":
            return [a for a in self.adjectives[m.obj] if a != m.obj_adj]
        if slot == "adv":
            return [a for a in self.adverbs[m.verb] if a != m.adv]
        raise ValueError(slot)


def realize(meaning: Meaning, rng: random.Random, adverb_first: bool | None = None) -> list[str]:
    """Words for ``meaning``: a synonym drawn at random for every slot."""
    m = meaning
    words: list[str] = ["the"]
    if m.subj_adj is not None:
        words.append(rng.choice(ADJECTIVES[m.subj_adj]))
    words += [rng.choice(NOUNS[m.subj]), rng.choice(VERBS[m.verb]), "the"]
    if m.obj_adj is not None:
        words.append(rng.choice(ADJECTIVES[m.obj_adj]))
    words.append(rng.choice(NOUNS[m.obj]))
    if m.adv is not None:
        if adverb_first is None:
            adverb_first = rng.random() < 0.5
        adverb = rng.choice(ADVERBS[m.adv])
        words = [adverb] + words if adverb_first else words + [adverb]
    return words


def paragraph(grammar: Grammar, rng: random.Random) -> list[list[str]]:
    """3 to 6 sentences; each restates the previous one or continues from its object."""
    meaning = grammar.meaning(rng)
    sentences = [realize(meaning, rng)]
    for _ in range(rng.randint(2, 5)):
        if rng.random() >= 0.5:
            meaning = grammar.meaning(rng, subj=meaning.obj)
        sentences.append(realize(meaning, rng))
    return sentences


def corpus(seed: int, num_paragraphs: int) -> list[list[list[str]]]:
    """The pretraining corpus: ``num_paragraphs`` paragraphs of tokenized sentences."""
    grammar = Grammar(seed)
    rng = random.Random(seed + 1)
    return [paragraph(grammar, rng) for _ in range(num_paragraphs)]


_SLOTS = ("subj", "verb", "obj", "subj_adj", "obj_adj", "adv")


def make_pairs(seed: int, num_pairs: int, grammar_seed: int = 0
               ) -> list[tuple[list[str], list[str], int]]:
    """Balanced paraphrase pairs ``(tokens_a, tokens_b, label)``; label 1 = same meaning."""
    grammar = Grammar(grammar_seed)
    rng = random.Random(seed)
    pairs = []
    for i in range(num_pairs):
        meaning = grammar.meaning(rng)
        label = i % 2
        other = meaning
        if label == 0:
            while True:
                slot = rng.choice([s for s in _SLOTS if getattr(meaning, s) is not None])
                choices = grammar.alternatives(meaning, slot)
                if choices:
                    other = dataclasses.replace(meaning, **{slot: rng.choice(choices)})
                    break
        pairs.append((realize(meaning, rng), realize(other, rng), label))
    rng.shuffle(pairs)
    return pairs
