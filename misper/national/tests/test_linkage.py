"""Linkage accuracy and behaviour, without the database. The accuracy tests are the issue's targets."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter, defaultdict

import pandas as pd
import pytest

from misper.national.linkage import Decision, LinkRecord, link, read_records
from misper.national.linkage.cluster import clusters, one_record_per_source
from misper.national.linkage.evaluate import cluster_level, pairwise
from misper.national.linkage.nicknames import canonical_given_name
from misper.national.linkage.synthetic import generate, labelled_records, people
from misper.national.tests.febrl import febrl3_documents


def test_febrl3_dedupe_meets_the_target_f1():
    documents, truth = febrl3_documents()
    result = read_records(json.dumps(d) for d in documents)
    assert not result.rejects  # every record counted: the impossible dates are kept and reported
    assert len(result.records) == len(truth) == 5000
    assert len(result.problems) == 35
    outcome = link(result.records)  # default settings, as `misper link` runs
    scores = pairwise(outcome.person_ids, truth)
    print("FEBRL3 pairwise", scores, "clusters", cluster_level(outcome.person_ids, truth))
    assert scores.f1 >= 0.99  # issue 18's target
    assert scores.precision >= 0.99


# Four sets of 3,000 children (about 5,400 records each), linked separately and scored together: one set
# alone varies by about ±0.005 in F1 from seed to seed. The threshold was chosen on other seeds (21-91).
SYNTHETIC_SEEDS = (11, 12, 13, 14)


def test_synthetic_cross_force_set_meets_the_target_f1():
    predicted, truth = [], []
    for seed in SYNTHETIC_SEEDS:
        records, people = labelled_records(3000, seed=seed)
        predicted += [(seed, p) for p in link(records).person_ids]
        truth += [(seed, p) for p in people]
    scores = pairwise(predicted, truth)
    clustered = cluster_level(predicted, truth)
    print("synthetic pairwise", scores, "clusters", clustered)
    assert scores.f1 >= 0.97
    assert scores.precision >= 0.98
    assert clustered.f1 >= 0.92


def test_synthetic_generator_is_deterministic_by_seed():
    assert generate(200, seed=5) == generate(200, seed=5)
    assert generate(200, seed=5) != generate(200, seed=6)


def _twins() -> list[LinkRecord]:
    common = {"family_name": "Example", "date_of_birth": "2012-03-04", "sex": "female",
              "address_line": "1 Mill Lane", "town": "Dunmere", "postcode": "ZA1 1AA"}  # fmt: skip
    return [
        LinkRecord("alpha", "1", given_name="Olivia", **common),
        LinkRecord("bravo", "1", given_name="Olivia", **common),
        LinkRecord("alpha", "2", given_name="Harriet", **common),
        LinkRecord("bravo", "2", given_name="Harriet", **common),
    ]


def test_twins_are_kept_apart_without_filling_the_review_queue():
    """Held household pairs are kept apart at the measured share of held pairs that are one child
    (guard.HELD_PROBABILITY), below the review band: a twin's pair shows a person nothing new."""
    outcome = link(_twins())
    ids = outcome.person_ids
    assert ids[0] == ids[1]
    assert ids[2] == ids[3]
    assert ids[0] != ids[2]
    assert not outcome.doubtful


def test_without_the_twin_guard_twins_merge():
    """The guard is what keeps them apart (this is the break-it check for the test above)."""
    ids = link(_twins(), twin_guard=False).person_ids
    assert len(set(ids)) == 1


def test_a_household_record_without_its_own_details_is_kept_apart():
    """A sibling's record with no given name and another date of birth shares only the household."""
    home = {"family_name": "Example", "sex": "female", "address_line": "1 Mill Lane", "town": "Dunmere",
            "postcode": "ZA1 1AA"}  # fmt: skip
    records = [
        LinkRecord("alpha", "1", given_name="Olivia", date_of_birth="2012-03-04", **home),
        LinkRecord("bravo", "1", given_name="Olivia", date_of_birth="2012-03-04", **home),
        LinkRecord("charlie", "1", date_of_birth="2009-10-21", **home),
    ]
    guarded = link(records)
    assert guarded.person_ids[0] == guarded.person_ids[1] != guarded.person_ids[2]
    unguarded = link(records, twin_guard=False).person_ids  # break-it check: the guard is what holds it
    assert len(set(unguarded)) == 1


def test_a_mistyped_given_name_is_not_taken_for_a_twin():
    common = {"family_name": "Example", "date_of_birth": "2012-03-04", "sex": "male",
              "address_line": "1 Mill Lane", "town": "Dunmere", "postcode": "ZA1 1AA"}  # fmt: skip
    records = [
        LinkRecord("alpha", "1", given_name="Ian", **common),
        LinkRecord("bravo", "1", "Ina", **common),
    ]
    assert len(set(link(records).person_ids)) == 1


def _household(**child: str) -> dict:
    return {"family_name": "Example", "date_of_birth": "2012-03-04", "address_line": "1 Mill Lane",
            "town": "Dunmere", "postcode": "ZA1 1AA"} | child  # fmt: skip


def test_different_given_names_without_any_sex_recorded_are_left_to_the_score():
    """Data without a sex field (FEBRL) replaces given names; twins are children, whose sex is recorded."""
    unsexed = [LinkRecord("alpha", "1", given_name="Olivia", **_household()),
               LinkRecord("bravo", "1", given_name="Harriet", **_household())]  # fmt: skip
    assert len(set(link(unsexed).person_ids)) == 1
    one_sexed = [unsexed[0], LinkRecord("bravo", "1", given_name="Harriet", sex="female", **_household())]
    outcome = link(one_sexed)
    assert len(set(outcome.person_ids)) == 2


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("Vanessa", "Vansesa", True),  # two slips in a long name
        ("J", "James", True),  # an initial
        ("Tommy", "Thomag", True),  # a nickname's full form, mistyped
        ("James", "Jones", False),  # two slips, but two names
        ("Karen", "Aaron", False),
    ],
)
def test_the_guard_tells_a_misspelling_from_another_name(left, right, same):
    records = [LinkRecord("alpha", "1", given_name=left, **_household(sex="male")),
               LinkRecord("bravo", "1", given_name=right, **_household(sex="male"))]  # fmt: skip
    assert (len(set(link(records).person_ids)) == 1) is same


def test_names_the_wrong_way_round_with_a_slip_are_one_child_but_a_sister_is_not():
    swapped = [LinkRecord("alpha", "1", "Melissa", "Redmond", "2012-03-04", "female", postcode="ZA1 1AA"),
               LinkRecord("bravo", "1", "Rednond", "Melisa", "2012-03-04", "female", postcode="ZA1 1AA")]  # fmt: skip
    assert len(set(link(swapped).person_ids)) == 1
    # The family name in the given-name field is what a household shares, not a swap: two sisters.
    sisters = [LinkRecord("alpha", "1", "Julie", "Black", "2012-03-04", "female", postcode="ZA1 1AA"),
               LinkRecord("bravo", "1", "Black", "Catherine", "2012-03-04", "female", postcode="ZA1 1AA")]  # fmt: skip
    assert len(set(link(sisters).person_ids)) == 2


def test_a_twins_record_without_a_given_name_joins_neither_twin():
    records = [*_twins(), LinkRecord("charlie", "1", **_household(sex="female"))]
    outcome = link(records)
    ids = outcome.person_ids
    assert ids[0] == ids[1] != ids[2] == ids[3]
    assert ids[4] not in (ids[0], ids[2])
    assert any(("charlie", "1") in (p.left, p.right) for p in outcome.doubtful)


def test_nicknames_and_swapped_day_and_month_link():
    records = [
        LinkRecord("alpha", "1", "Jessica", "Smith", "2011-04-09", "female", postcode="ZA1 1AA"),
        LinkRecord("bravo", "9", "Jess", "Smith", "2011-09-04", "female"),
    ]
    ids = link(records).person_ids
    assert ids[0] == ids[1]
    assert canonical_given_name("katie") == canonical_given_name("kate") == "catherine"


def test_a_different_decision_splits_and_a_same_decision_merges():
    records = [*_twins()[:2], LinkRecord("charlie", "7", "Zara", "Other", "2009-01-01", "female")]
    assert link(records).person_ids[0] == link(records).person_ids[1]
    split = link(records, decisions=[Decision(("alpha", "1"), ("bravo", "1"), same=False)]).person_ids
    assert split[0] != split[1]
    merged = link(records, decisions=[Decision(("alpha", "1"), ("charlie", "7"), same=True)]).person_ids
    assert merged[0] == merged[2]


def test_a_different_decision_holds_against_a_chain_of_links():
    pairs = pd.DataFrame({"left": [0, 1], "right": [1, 2], "probability": [0.99, 0.98]})
    assert len(set(clusters(3, pairs, 0.9))) == 1
    assert len(set(clusters(3, pairs, 0.9, different=[(0, 2)]))) == 2


def test_a_chain_cannot_put_two_records_of_one_force_in_one_child():
    """0 and 2 come from one force's return, joined only through 1: the weaker link gives way."""
    pairs = pd.DataFrame({"left": [0, 1], "right": [1, 2], "probability": [0.99, 0.95]})
    joined = clusters(3, pairs, 0.9)
    apart = one_record_per_source(["alpha", "bravo", "alpha"], pairs, joined, 0.9)
    assert apart == [(0, 2)]
    split = clusters(3, pairs, 0.9, different=apart)
    assert split[0] == split[1] != split[2]
    # A direct strong link between them is a force's own duplicate: nothing is kept apart.
    direct = pd.concat([pairs, pd.DataFrame({"left": [0], "right": [2], "probability": [0.97]})])
    assert one_record_per_source(["alpha", "bravo", "alpha"], direct, joined, 0.9) == []


def test_a_source_full_of_its_own_duplicates_is_not_held_to_one_record_per_child():
    """A deduplication set (FEBRL: one source) links among itself far more than 5% of its records."""
    pairs = pd.DataFrame({"left": [0, 1, 3], "right": [1, 2, 4], "probability": [0.99, 0.95, 0.99]})
    joined = clusters(5, pairs, 0.9)
    assert one_record_per_source(["dedupe"] * 5, pairs, joined, 0.9) == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"child": {"ref": "1", "given_name": "A"}}', "force code"),
        ('{"source": "a", "child": {"given_name": "A"}}', "child.ref"),
        ("[1]", "JSON object"),
    ],
)
def test_only_lines_without_an_identity_are_rejected(line, message):
    result = read_records([line])
    assert not result.records
    assert message in " ".join(result.rejects[0].errors)


@pytest.mark.parametrize(
    ("child", "message", "kept"),
    [
        ({"date_of_birth": "1967-02-73", "given_name": "A"}, "date_of_birth", {"date_of_birth": "1967-02",
            "date_of_birth_text": "1967-02-73"}),
        ({"date_of_birth": "2009-13", "given_name": "A"}, "date_of_birth", {"date_of_birth": "2009"}),
        ({"date_of_birth": "soon", "given_name": "A"}, "date_of_birth", {"date_of_birth": None}),
        ({"given_name": "A", "sex": "x"}, "child.sex", {"sex": None, "given_name": "A"}),
        ({"given_name": ["A"], "family_name": "Bee"}, "child.given_name", {"given_name": None}),
        ({}, "name or a date of birth", {"given_name": None}),
    ],
)  # fmt: skip
def test_a_malformed_field_is_reported_and_the_record_kept(child, message, kept):
    line = json.dumps({"source": "a", "child": {"ref": "1", **child}})
    result = read_records([line])
    assert not result.rejects
    [record] = result.records
    assert {k: getattr(record, k) for k in kept} == kept
    assert message in result.problems[0].message
    assert result.problems[0].line == 1


def test_a_malformed_date_is_still_compared_by_its_sound_parts_and_digits():
    """'1967-02-73' is a slip for '1967-02-23': the two records must still link."""
    common = {"given_name": "Harriet", "family_name": "Quenby", "sex": "female", "postcode": "ZA1 1AA"}
    lines = [
        json.dumps({"source": "a", "child": {"ref": "1", "date_of_birth": "1967-02-23", **common}}),
        json.dumps({"source": "b", "child": {"ref": "2", "date_of_birth": "1967-02-73", **common}}),
    ]
    ids = link(read_records(lines).records).person_ids
    assert ids[0] == ids[1]


def test_partial_dates_are_accepted_and_a_repeated_reference_is_kept_as_the_same_person():
    lines = [
        '{"source": "a", "child": {"ref": "1", "given_name": "Ann", "date_of_birth": "2009-05"}}',
        '{"source": "a", "child": {"ref": "2", "given_name": "Bo", "date_of_birth": "2009"}}',
        '{"source": "a", "child": {"ref": "1", "given_name": "Ann"}}',
    ]
    result = read_records(lines)
    assert [r.ref for r in result.records] == ["1", "2"]
    assert not result.rejects
    assert [(r.line, r.index) for r in result.repeats] == [(3, 0)]
    assert "line 1" in result.problems[0].message


def test_pairwise_and_cluster_scores_on_a_known_case():
    truth = [1, 1, 1, 2, 2]
    predicted = ["a", "a", "b", "c", "c"]
    scores = pairwise(predicted, truth)
    assert (scores.precision, round(scores.recall, 3)) == (1.0, 0.5)
    assert cluster_level(predicted, truth).precision == pytest.approx(1 / 3)


def test_the_review_queue_asks_once_per_two_people_heaviest_first():
    """Three records of one child (two forces and a typo) against a fourth in the review band: one
    question about the two people, weighted by the record pairs a "same" would join; a band pair inside
    one person is not asked at all."""
    from misper.national.linkage.queue import review_queue

    pairs = pd.DataFrame({"left": [0, 1, 0, 1, 4, 0], "right": [1, 2, 3, 3, 5, 2],
                          "probability": [0.99, 0.97, 0.55, 0.75, 0.65, 0.60]})  # fmt: skip
    cluster_of = clusters(6, pairs, 0.8)
    queue = review_queue(pairs, cluster_of, 0.8, 0.4)
    assert list(zip(queue["left"], queue["right"], queue["weight"], strict=True)) == [(1, 3, 3), (4, 5, 1)]
    assert review_queue(pairs, cluster_of, 0.8, 0.4, decided={frozenset((0, 3))})["left"].tolist() == [4]


def test_the_review_queue_is_at_most_5_percent_of_the_records_at_the_target_f1():
    records, people = labelled_records(3000, seed=61)
    outcome = link(records)
    assert len(outcome.doubtful) <= 0.05 * len(records)
    assert pairwise(outcome.person_ids, people).f1 >= 0.97
    weights = [d.weight for d in outcome.doubtful]
    assert weights == sorted(weights, reverse=True)


def _pair(left: dict, right: dict) -> list[LinkRecord]:
    return [LinkRecord("alpha", "1", **left), LinkRecord("bravo", "1", **right)]


def test_names_the_wrong_way_round_with_a_slip_in_one_are_one_child():
    """'Sach Jasmwine' is 'Jasmine Sach' entered the wrong way round with a typing slip (and moved)."""
    records = _pair({"given_name": "Jasmine", "family_name": "Sach", "date_of_birth": "2011-11-09",
                     "sex": "female", "postcode": "ZA1 4AB", "address_line": "1 Goble Street"},
                    {"given_name": "Sach", "family_name": "Jasmwine", "date_of_birth": "2011-11-09",
                     "sex": "female", "postcode": "ZK7 2QP", "address_line": "9 Quay Road"})  # fmt: skip
    assert len(set(link(records).person_ids)) == 1


def test_a_typing_slip_in_the_postcode_still_counts_as_the_same_address():
    """Same names and street, a wrong date of birth: the address decides, and a postcode with two
    characters transposed is still the same address; another street is not."""
    child = {"given_name": "Finlay", "family_name": "Whitcombe", "sex": "male", "town": "Dunmere"}
    left = {
        **child,
        "date_of_birth": "2010-01-21",
        "postcode": "ZA1 4AB",
        "address_line": "15 Goodwin Street",
    }
    slip = {
        **child,
        "date_of_birth": "2013-06-02",
        "postcode": "ZA1 4BA",
        "address_line": "15 Goodwin Street",
    }
    assert len(set(link(_pair(left, slip)).person_ids)) == 1
    moved = {**slip, "address_line": "2 Orchard Close", "town": "Larkstone"}
    assert len(set(link(_pair(left, moved)).person_ids)) == 2


def test_a_pair_sharing_only_the_birthday_and_postcode_district_is_proposed_and_linked():
    """No given name on one side, the surname mistyped (another soundex code) and the postcode mistyped:
    only the date of birth with the postcode district proposes the pair (blocking rule: dob + district)."""
    left = {"given_name": "Samuel", "family_name": "Coleman", "date_of_birth": "2010-10-04", "sex": "male",
            "postcode": "ZA1 4AB", "address_line": "60 Backhouse Street", "town": "Quorn"}  # fmt: skip
    right = {**left, "given_name": None, "family_name": "Colean", "postcode": "ZA1 4BA"}
    assert len(set(link(_pair(left, right)).person_ids)) == 1


def test_a_surname_and_address_alone_link_only_where_no_sex_is_recorded():
    """Without a sex field (adult data, FEBRL) a lost given name and a new date of birth are lost values;
    in a children's return, where sex is recorded, the same pair is what a sibling looks like."""
    home = {"family_name": "Haack", "postcode": "ZA1 4AB", "address_line": "8 Castleton Crescent",
            "town": "Dunmere"}  # fmt: skip
    unsexed = _pair({"given_name": "Eliza", "date_of_birth": "2010-03-01", **home},
                    {"date_of_birth": "2012-07-19", **home})  # fmt: skip
    sexed = _pair({"given_name": "Eliza", "date_of_birth": "2010-03-01", "sex": "female", **home},
                  {"date_of_birth": "2012-07-19", **home})  # fmt: skip
    assert len(set(link(unsexed).person_ids)) == 1
    assert len(set(link(sexed).person_ids)) == 2


def test_the_generator_makes_the_hard_cases_and_twins_stay_apart():
    """The synthetic set holds twins, double-barrelled and changed surnames, common names and missing
    dates of birth; no person holds a named record of each of two twins (seed 7, never used to tune).
    A twin's record without a given name fits either twin equally, so it may join its sibling."""
    seed, children = 7, 3000
    persons = people(children, random.Random(seed))
    twins = {
        frozenset((a.pid, b.pid))
        for a, b in itertools.pairwise(persons)
        if (a.family_name, a.dob, a.line) == (b.family_name, b.dob, b.line) and a.given_name != b.given_name
    }
    appearances = generate(children, seed)
    assert len(twins) >= 30
    assert sum("-" in p.family_name for p in persons) >= 100
    assert sum(a.date_of_birth is None for a in appearances) >= 0.02 * len(appearances)
    assert Counter((p.given_name, p.family_name) for p in persons).most_common(1)[0][1] >= 5
    records, truth = labelled_records(children, seed)
    named = defaultdict(set)  # person -> true children with a record giving a given name
    for pid, person, record in zip(truth, link(records).person_ids, records, strict=True):
        if record.given_name:
            named[person].add(pid)
    assert not [t for t in twins if any(t <= members for members in named.values())]
