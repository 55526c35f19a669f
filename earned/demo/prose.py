"""The demo person's prose: reflections, body sentences, closings and the origin story.

Pools of short first-person sentences per reflection prompt and phase of the work:
"early", the first months; "later", once practice has taken hold; "hard", a setback.
All written for this project.
"""

from __future__ import annotations

OPENERS: dict[str, dict[str, list[str]]] = {
    "distance": {
        "early": [
            "Sam didn't answer my message all afternoon, and by five o'clock I had already "
            "written the whole breakup in my head.",
            "When Maya cancelled our dinner, my chest went tight before I had finished reading "
            "her text.",
            "I checked my phone eleven times during one meeting, waiting for a reply that was "
            "never urgent.",
            "The moment someone goes quiet, my mind fills the silence with the worst "
            "explanation it can find.",
            "Sam was away for the weekend and I felt it like a draught under the door the "
            "whole time.",
        ],
        "later": [
            "Sam was quiet after work today; my stomach dropped, and then I noticed that I had "
            "noticed.",
            "I waited two hours before texting back, and the sky did not fall.",
            "When the reply came late, I could tell myself that busy is not the same as gone.",
            "Maya went quiet for a few days and I sent one friendly message, then let it be.",
            "Distance still stings, but it stings like weather now, not like an ending.",
        ],
        "hard": [
            "The old alarm is loud again this week, and every unanswered message feels like proof.",
            "I sent the reassurance text I had promised myself to wait on, and then felt "
            "ashamed for sending it.",
            "Sam's work trip landed badly; I spent the first night awake, scrolling and imagining.",
        ],
    },
    "closeness": {
        "early": [
            "When Sam talked about a trip together next summer, part of me lit up and another "
            "part started looking for the catch.",
            "Being close feels good for about a day, and then I start waiting for it to be "
            "taken away.",
            "I caught myself testing whether Sam would still want me if I was difficult.",
        ],
        "later": [
            "Sam said he'd like to meet my family, and I let myself feel glad without "
            "rehearsing how it could go wrong.",
            "I let a good evening just be a good evening.",
            "Closeness feels less like a cliff edge now and more like a place I can stand for "
            "a while.",
            "We made plans for the spring and I noticed I was simply looking forward to it.",
        ],
        "hard": [
            "We had a lovely weekend, and on Monday I pulled back, as if the happiness was too "
            "much to hold.",
            "Sam wanted to talk about moving in together and I froze, then picked a fight about "
            "the dishes.",
        ],
    },
    "conflict": {
        "early": [
            "We disagreed about money and I followed Sam from room to room, needing to fix it "
            "right then.",
            "When my sister's voice got sharp, I apologised for things I had not done just to "
            "make it stop.",
            "I could not sleep until we had talked it through, even though we were both exhausted.",
        ],
        "later": [
            "We disagreed about the holidays and I asked for an hour before we talked; I used "
            "the hour to breathe.",
            "I said 'I feel hurt' instead of 'you always', and the conversation went somewhere "
            "new.",
            "After the argument we both came back, and the repair felt almost easier than the "
            "fight.",
            "I told my sister I needed a minute, and I came back to the conversation instead of "
            "chasing it.",
        ],
        "hard": [
            "The argument on Sunday knocked me flat: I pursued, Sam went quiet, and we were "
            "back in the old dance.",
            "I said something sharp I didn't mean and spent the evening bracing for him to leave.",
        ],
    },
    "known": {
        "early": [
            "If people saw how much I need, I am sure they would decide it was too much.",
            "I edit myself all the time, especially the parts that feel needy or messy.",
            "I learned early that being easy to love meant being easy, full stop.",
        ],
        "later": [
            "I told Maya about the panic I felt last month, and she did not flinch; she told me "
            "about hers.",
            "In therapy I said out loud something I have never said, and afterwards I was "
            "still there, and so was she.",
            "Letting someone see the messy parts is still frightening, but the fear has a "
            "smaller voice.",
        ],
        "hard": [
            "I shared something tender with Sam and then spent two days regretting it.",
            "After I cried in front of my friends I wanted to take it all back.",
        ],
    },
    "going-well": {
        "early": [
            "Grandma's kitchen was the one place where nobody needed me to be anything.",
            "It goes well when the other person is steady and says what they mean.",
            "There was an hour on the beach last summer when I didn't check my phone once.",
        ],
        "later": [
            "Tonight Sam simply sat beside me while I was upset, and I let that be enough.",
            "It went well because I asked directly for what I wanted instead of hinting and "
            "hoping.",
            "I noticed I felt safe, and I noticed I did not have to earn it first.",
            "A quiet Sunday, phones away, both reading on the sofa: this is what steady feels "
            "like from the inside.",
        ],
        "hard": [
            "Even in this rough patch there was a good moment: Sam made me tea without being "
            "asked.",
            "Maya called just to check in, and for ten minutes the world felt the right size.",
        ],
    },
}

BODY = [
    "My shoulders were up near my ears; when I noticed, I let them drop.",
    "I did the slow breathing, four in and six out, until my hands stopped shaking.",
    "I put a hand on my chest, the way the exercise suggests, and felt my heart slow down.",
    "The tightness sat in my throat for a long time before it eased.",
    "I went for a walk around the block and counted five things I could see.",
    "My whole body wanted to do something, anything, and I let it just be restless for a bit.",
]

CLOSINGS: dict[str, list[str]] = {
    "early": [
        "I'm writing this down so I can see it more clearly tomorrow.",
        "I don't know what to do with this yet, but naming it helps a little.",
        "I want to be kinder to the part of me that panics; it is trying to protect me.",
        "My therapist says noticing is the first step, so here I am, noticing.",
    ],
    "later": [
        "I'm proud of that, quietly.",
        "Small steps, but they are adding up.",
        "The old pattern showed up, and this time it did not get to drive.",
        "I want to remember this evening the next time things get hard.",
        "It wasn't perfect, and it didn't need to be.",
    ],
    "hard": [
        "A setback is not starting over; I know more now than I did a year ago.",
        "I'm tired, and that's allowed. Tomorrow I'll try again.",
        "This is data, not a verdict on me.",
        "I reread an old entry and remembered that I have come through this before.",
    ],
}

# The origin story, told in order; each origin entry takes a few of these.
ORIGIN = [
    "When I was small and upset I usually went to my mother, and what I got depended on her day.",
    "Sometimes she held me for a long time; sometimes she was far away behind her own worries.",
    "I learned to watch her face very carefully, to know which version of her I would get.",
    "My father was kind but often away, and I remember waiting by the window on Fridays.",
    "Asking for comfort worked best when I had been very good and very quiet first.",
    "Crying was allowed, but only for a little while, and then it was time to be brave.",
    "To stay close, I became the helpful one, the child who never caused any trouble.",
    "I still do that: I make myself useful so that nobody has a reason to leave.",
    "I would like the child I was to hear that being held never had to be earned.",
    "Looking back with kinder eyes, I see a little one doing their very best with what they had.",
]
