"""A realistic, reproducible nested group tree for the flattening benchmark.

20,000 groups on 13 levels (depth 12, many more teams than departments), each group below the top nested
in one parent one level up; 10% of them also in a second parent one or two levels up (diamonds); a few
groups nest an ancestor three levels up (cycles of four groups). 100,000 users, each a direct member of
one to three groups chosen uniformly (so mostly of deep, small teams), as in a real directory.
"""

import random

LEVEL_SIZES = (20, 40, 80, 150, 300, 500, 800, 1200, 1800, 2500, 3300, 4300, 5010)


def generate(users=100_000, cycles=5, diamond_share=0.10, seed=2026):
    """`{group: {"users": [...], "groups": [...]}}` in the format of the `flatten_groups` filter."""
    rng = random.Random(seed)
    levels = []
    parent_of = {}
    children = {}
    number = 0
    for level, size in enumerate(LEVEL_SIZES):
        names = ["g%05d-L%02d" % (number + i, level) for i in range(size)]
        number += size
        for name in names:
            children[name] = []
            if level:
                parent = rng.choice(levels[level - 1])
                parent_of[name] = parent
                children[parent].append(name)
                if rng.random() < diamond_share:
                    second = rng.choice(levels[level - rng.choice((1, 2))] if level > 1 else levels[0])
                    if second != parent:
                        children[second].append(name)
        levels.append(names)
    for cycle in range(cycles):
        start = rng.choice(levels[rng.randint(6, len(LEVEL_SIZES) - 1)])
        ancestor = parent_of[parent_of[parent_of[start]]]
        children[start].append(ancestor)
    all_groups = [name for names in levels for name in names]
    members = dict((name, []) for name in all_groups)
    for number in range(users):
        user = "user%06d" % number
        for group in rng.sample(all_groups, rng.randint(1, 3)):
            members[group].append(user)
    return dict((name, {"users": members[name], "groups": children[name]}) for name in all_groups)
