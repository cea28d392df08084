"""How the polarity checks compare words: as concepts, with grant and refusal words as
one (`PERMISSION`) and irregular verb forms as their base, so that "no permission" meets
"allowed" and "did not sink" meets "sank". Lowest in the package: every module that
reads words for polarity shares these lists.
"""

from __future__ import annotations

from storyline.relations import stem

# Words that grant or refuse: mapped to one concept, so "no permission" and
# "allowed" are seen to speak of the same thing with opposite polarity.
PERMISSION = "<permit>"
GRANTING = frozenset(
    "allow allowed allows allowing permit permits permitted permitting permission approve "
    "approved approves approval authorise authorised authorize authorized authorization "
    "authorisation grant granted grants agree agreed agrees agreement consent consented".split()
)
REFUSING = frozenset(
    "deny denied denies denying refuse refused refuses refusing refusal reject rejected "
    "rejects rejecting ban banned bans forbid forbade forbidden prohibit prohibited "
    "prohibits veto vetoed block blocked".split()
)
# Irregular verb forms, so that "did not sink" meets "sank". Snowball stems only suffixes.
_IRREGULAR = {
    form: base
    for base, *forms in (
        line.split()
        for line in """
        arise arose arisen; bear bore borne; beat beaten; become became; begin began begun;
        bend bent; bite bit bitten; bleed bled; blow blew blown; break broke broken;
        bring brought; build built; buy bought; catch caught; choose chose chosen;
        come came; deal dealt; dig dug; do does did done; draw drew drawn; drink drank drunk;
        drive drove driven; eat ate eaten; fall fell fallen; feed fed; feel felt;
        fight fought; find found; flee fled; fly flew flown; forbid forbade forbidden;
        forget forgot forgotten; freeze froze frozen; get got gotten; give gave given;
        go went gone; grow grew grown; hang hung; have has had; hear heard; hide hid hidden;
        hold held;
        keep kept; know knew known; lay laid; lead led; leave left; lend lent; lose lost;
        make made; mean meant; meet met; pay paid; ride rode ridden; ring rang rung;
        rise rose risen; run ran; say said; see saw seen; seek sought; sell sold;
        send sent; shake shook shaken; shoot shot; sing sang sung; sink sank sunk;
        sleep slept; speak spoke spoken; spend spent; stand stood; steal stole stolen;
        strike struck stricken; swear swore sworn; swim swam swum; take took taken;
        teach taught; tear tore torn; tell told; think thought; throw threw thrown;
        understand understood; wake woke woken; wear wore worn; win won; write wrote written
        """.replace("\n", " ").split(";")
    )
    for form in forms
}


def concept(word: str) -> str:
    """A word as the polarity checks compare it: grant and refusal words as one concept,
    irregular verb forms as their base ("sank" as "sink"), then stemmed."""
    if word in GRANTING or word in REFUSING:
        return PERMISSION
    return stem(_IRREGULAR.get(word, word))
