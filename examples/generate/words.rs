//! The vocabulary of generated testimonies: who, where, which staff, and the sentence
//! templates, by part of the story and by theme.
//!
//! Themes, in this order everywhere: 0 comments, 1 online, 2 touching and crowding,
//! 3 following, 4 pressure. Everything here is neutral and non-graphic, and no word of it is a
//! person's name (`testimony check` finds nothing in what it makes).

/// Who did it, and the pronoun that stands for them afterwards.
pub const GROUPS: &[(&str, Pronoun)] = &[
    ("a group of older boys", Pronoun::They),
    ("some boys in my year", Pronoun::They),
    ("a few students in the year above", Pronoun::They),
    ("a group of lads from the football team", Pronoun::They),
    ("the boys who sat behind me in maths", Pronoun::They),
    ("some older students", Pronoun::They),
    ("a group of girls in my form", Pronoun::They),
    ("people I thought were my friends", Pronoun::They),
    ("a few boys from another class", Pronoun::They),
    ("a boy in my form", Pronoun::He),
    ("a boy in the year above", Pronoun::He),
    ("an older boy who got the same bus", Pronoun::He),
    ("a boy I had known since we were small", Pronoun::He),
    ("a girl in my year", Pronoun::She),
];
pub const CAMPUS_GROUPS: &[(&str, Pronoun)] = &[
    ("a group of students on my course", Pronoun::They),
    ("some of the people in my halls", Pronoun::They),
    ("a few members of a sports team", Pronoun::They),
    ("older students at a society", Pronoun::They),
    ("a student on my corridor", Pronoun::He),
    ("a second year on my course", Pronoun::He),
    ("a student in my seminar group", Pronoun::She),
];

pub const PRIMARY_GROUPS: &[(&str, Pronoun)] = &[
    ("some boys in my class", Pronoun::They),
    ("a few older boys", Pronoun::They),
    ("a boy in my class", Pronoun::He),
    ("a few children from the year above", Pronoun::They),
    ("a girl in my class", Pronoun::She),
    (
        "some of the boys who played football at lunch",
        Pronoun::They,
    ),
];

#[derive(Clone, Copy)]
pub enum Pronoun {
    They,
    He,
    She,
}

pub struct Words {
    pub groups: &'static [(&'static str, Pronoun)],
    /// The themes (indexes into `INTRO`) that fit.
    pub themes: &'static [usize],
    pub places: &'static [&'static str],
    pub staff: &'static [&'static str],
    pub years: &'static [&'static str],
    pub comments: &'static [&'static str],
    pub friends: &'static [&'static str],
    pub lessons: &'static str,
    pub sanction: &'static str,
    pub where_: &'static str,
    /// Who teaches: "a teacher", "a lecturer".
    pub teacher: &'static str,
}

pub const SCHOOL: Words = Words {
    groups: GROUPS,
    themes: &[0, 1, 2, 3, 4],
    places: &[
        "in the corridor outside the science labs",
        "at the lockers",
        "in the lunch queue",
        "on the school bus",
        "at the bus stop after school |journey-to-school",
        "in the library",
        "during sports lessons",
        "at the back of the classroom",
        "on the field at break",
        "in the stairwell",
        "outside the school gates |journey-to-school",
        "on a school trip |school-trip",
        "in the playground",
        "in the form room before registration",
        "in the canteen",
        "at the end of year disco",
        "in the music practice rooms",
        "on the walk home |journey-to-school",
        "by the bike sheds",
        "in the computer room",
        "on the coach to a match |school-trip",
    ],
    staff: &[
        "my form tutor",
        "my head of year",
        "a teaching assistant",
        "the safeguarding lead",
        "a supply teacher",
        "my science teacher",
        "the deputy head",
        "the teacher on duty",
        "the school counsellor",
        "my tutor",
        "the head of sixth form",
        "a member of staff I trusted",
        "my drama teacher",
        "the pastoral team",
    ],
    years: &[
        "year 7", "year 8", "year 9", "year 10", "year 11", "year 12", "year 13",
    ],
    friends: &[
        "my best friend",
        "a friend from my form",
        "my mum",
        "my older sister",
        "a friend",
        "my dad",
        "my cousin",
    ],
    comments: COMMENTS,
    lessons: "lessons",
    sanction: "a detention",
    where_: "school",
    teacher: "a teacher",
};

pub const CAMPUS: Words = Words {
    groups: CAMPUS_GROUPS,
    themes: &[0, 1, 2, 3, 4],
    places: &[
        "in halls",
        "in the student union bar",
        "at a society social",
        "in the library",
        "on the walk back from lectures |journey-to-school",
        "in a seminar",
        "at a freshers event",
        "in the shared kitchen",
        "on the late bus back to campus |journey-to-school",
        "outside the lecture theatre",
        "on a field trip |school-trip",
        "at the sports centre",
    ],
    staff: &[
        "my personal tutor",
        "student services",
        "the welfare officer",
        "my course leader",
        "a lecturer I trusted",
        "the security team",
        "the wellbeing service",
        "my hall warden",
    ],
    years: &[
        "my first term",
        "my first year",
        "my second year",
        "my third year",
        "my final year",
    ],
    friends: &[
        "my flatmate",
        "a friend on my course",
        "my mum",
        "a friend from home",
        "my sister",
    ],
    comments: COMMENTS,
    lessons: "seminars",
    sanction: "a warning",
    where_: "university",
    teacher: "a lecturer",
};

pub const PRIMARY: Words = Words {
    groups: PRIMARY_GROUPS,
    themes: &[0, 2, 3],
    places: &[
        "in the playground",
        "in the cloakroom",
        "in the line after lunch",
        "at the back of the classroom",
        "on the school field",
        "on a school trip |school-trip",
        "on the walk home |journey-to-school",
        "in the dinner hall",
        "by the climbing frame",
        "outside the school gates |journey-to-school",
    ],
    staff: &[
        "my class teacher",
        "the teaching assistant",
        "a lunchtime supervisor",
        "the head teacher",
        "the deputy head",
        "the lady in the school office",
    ],
    years: &["year 4", "year 5", "year 6", "year 7"],
    comments: &[
        "comments about my body",
        "jokes about my clothes",
        "remarks about what I looked like",
        "noises at me",
        "rude jokes",
        "jokes about who I fancied",
    ],
    friends: &[
        "my best friend",
        "my mum",
        "my dad",
        "my older brother",
        "a friend from my class",
    ],
    lessons: "lessons",
    sanction: "a telling off",
    where_: "school",
    teacher: "a teacher",
};

pub const WHEN: &[&str] = &[
    "almost every day",
    "every break time",
    "for most of that year",
    "for about a term",
    "most mornings",
    "for weeks",
    "on and off for months",
    "every time there was a cover lesson",
    "whenever no one was watching",
];

pub const COMMENTS: &[&str] = &[
    "comments about my body",
    "jokes about my skirt",
    "remarks about what I looked like",
    "crude jokes",
    "noises at me",
    "comments about the girls in our year",
    "sexual comments",
    "remarks about who I was going out with",
    "jokes about rumours that were not true",
    "comments about my appearance",
];

pub const FEELINGS: &[&str] = &[
    "embarrassed",
    "scared",
    "small",
    "ashamed",
    "angry",
    "invisible",
    "anxious",
    "on edge",
    "confused",
    "alone",
    "unsafe",
    "humiliated",
    "powerless",
    "exhausted",
];

/// What happened when someone was told: follows "and" or a comma.
pub const RESPONSES: &[&str] = &[
    "I was told to ignore it |staff-response",
    "I was asked what I had done to provoke it |cw:victim blaming",
    "I was told it was just banter |staff-response",
    "I was told that boys will be boys |cw:victim blaming",
    "I was moved to another seat while nothing happened to {them} |staff-response",
    "I was told it would be looked into, and I never heard anything again |staff-response",
    "for the first time I felt properly listened to",
    "my parents were called in, but nobody spoke to {them} |staff-response",
    "I was told I was overreacting |staff-response",
    "it was written down somewhere and that was the end of it |staff-response",
    "I was told to keep my head down until the end of term |staff-response",
    "I was believed, and someone made sure I had a safe place to go at break",
    "I was asked whether I really wanted to ruin someone's future |cw:victim blaming",
];

pub const OPENING: &[&str] = &[
    "I was in {year} when this started.",
    "This happened during {year}, and I have never written it down before.",
    "It has taken me years to write this, so please bear with me.",
    "I am not sure where to start, so I will start at the beginning.",
    "I have read a lot of the testimonies here and decided to add mine.",
    "This is something that happened to me in {year}.",
    "For a long time I told myself this was normal.",
    "I was quite shy when I started {year}, and I think people noticed.",
    "I have tried to write this a few times and always deleted it.",
];

pub const OPENING_AT: &[&str] = &[
    "I went to {school}, and this happened in {year}.",
    "When I was in {year} at {school}, something happened that I still think about.",
    "This happened at {school} while I was in {year}.",
    "I was a student at {school} for a few years, and this is what it was like.",
    "Everyone thinks of {school} as a good {where}, and in many ways it was.",
];

pub const OPENING_MOVED: &[&str] = &[
    "I started at {school} and moved to {school2} in {year}.",
    "What happened at {school} followed me when I moved to {school2}.",
    "I have been at two places where this happened, {school} and {school2}.",
];

/// First sentences of a theme: they introduce `{group}`; later ones say `{they}`.
pub const INTRO: [&[&str]; 5] = [
    &[
        "{When}, {group} would make {comment} {place}. |harassment",
        "It started when {group} began making {comment} {place}. |harassment",
        "There was {group} who thought it was funny to make {comment}. |harassment",
    ],
    &[
        "Someone added me to a group chat where {group} talked about the girls in our year. |online",
        "{Group} started messaging me late at night. |online",
        "It began online, when {group} started sharing things about me. |online",
    ],
    &[
        "{Group} would brush past me {place} and touch me without asking. |assault",
        "{When}, {group} would stand far too close to me {place}. |harassment",
        "It started with {group} grabbing at me {place} as if it was a game. |assault",
    ],
    &[
        "{Group} followed me {place} and asked where I lived. |harassment",
        "{When}, {group} would wait for me {place}. |harassment",
        "It started with {group} walking behind me {place}, laughing. |harassment",
    ],
    &[
        "{Group} kept asking me out, even after I had said no more than once. |coercion",
        "{Group} decided I was fair game, and would not take no for an answer. |coercion",
        "It started with {group} saying everyone else was doing it, and I was being boring. |peer-pressure",
    ],
];

/// What they would do, by theme: follows "would" ("they would {act}").
pub const ACTS: [&[&str]; 5] = [
    &[
        "shout things across the room",
        "whistle when I walked past",
        "read out a list of names and scores",
        "call me names I will not repeat here",
        "ask me loudly about things that were none of their business",
        "make gestures when the teacher turned away",
        "talk about me as if I was not there",
        "comment on what I was wearing",
        "laugh every time I stood up to answer a question",
        "make up stories about who I had been with",
    ],
    &[
        "send me messages I had not asked for",
        "add me to group chats and then say things about me",
        "comment on every photo I posted",
        "forward things I had sent in confidence",
        "post about me without naming me, so that everyone knew anyway",
        "message my friends to ask about me",
        "send the same message again and again until I answered",
        "make fun of my replies in front of everyone",
    ],
    &[
        "brush past me far closer than they needed to",
        "pull at my bag straps",
        "put a hand on my waist",
        "block the door so that I could not leave",
        "push me against the lockers as a joke",
        "sit far too close to me and not move",
        "grab at my clothes as I walked past",
        "hug me when I had made it clear I did not want that",
    ],
    &[
        "wait for me by the gates",
        "walk behind me all the way home",
        "follow me into the shop on the corner",
        "sit behind me on the bus and kick my seat",
        "ask over and over where I lived",
        "turn up wherever I was",
        "wait outside the toilets until I came out",
        "walk alongside me and refuse to leave",
    ],
    &[
        "keep asking me out",
        "tell me I owed them",
        "say that no one else would ever want me",
        "tell me everyone else was doing it",
        "get their friends to persuade me",
        "sulk for days whenever I said no",
        "tell me I was frigid and boring",
        "make promises and then make threats",
    ],
];

/// What I did when it happened: follows "I".
pub const REACTIONS: &[&str] = &[
    "froze",
    "pretended to laugh",
    "walked away as fast as I could",
    "went red and said nothing",
    "told them to leave me alone",
    "looked at the floor",
    "kept my headphones in and pretended not to hear",
    "went and sat with the only friend I trusted",
    "tried to make a joke of it",
    "counted the minutes until the bell",
];

pub const EPISODE: [&[&str]; 5] = [
    &[
        "It started with {comment}, and it slowly got worse.",
        "{They} thought it was funny to make {comment} whenever I walked past.",
        "Sometimes {they} did it in front of {teacher}, and nothing happened. |staff-response",
        "{They} kept a list ranking the girls in our year, and it was passed around during {lessons}.",
        "I remember standing {place} while {they} laughed, pretending I had not heard.",
        "Other people joined in, because it was easier than being the target.",
        "Most of it happened {place}, where there were never many adults around.",
        "If I reacted, {they} said I could not take a joke.",
        "It was never one big thing, just a constant stream of small ones.",
        "{They} would repeat what I said in a silly voice so that it sounded like something else.",
        "There was one comment in particular that I still hear in my head.",
        "{When} there was something, and I learned to keep my eyes on the floor.",
        "{When}, {they} would {act} {place}.",
        "Sometimes {they} would {act}, and other times {they} would {act2}.",
        "{They} would {act}, then laugh as if it was nothing.",
        "I lost count of how often {they} would {act}.",
        "The first time {they} made {comment}, I {react}.",
    ],
    &[
        "{They} started asking me for pictures, and would not stop when I said no. |image-based-abuse",
        "When I said no, {they} told people things about me that were not true.",
        "A photo of me was shared without my permission, and by the next morning it felt like the whole year had seen it. |image-based-abuse",
        "I blocked {them}, but new accounts kept appearing.",
        "Screenshots of private messages were passed around, with things added that I had never said.",
        "People I barely knew started making comments about things they had read online.",
        "I stopped looking at my phone in the evenings because I dreaded what I would find.",
        "{They} made an anonymous account that posted rumours about girls in our year. |rumours",
        "The messages were worst late at night, when there was no one to talk to.",
        "Even in {lessons} I could see people looking at their phones and then at me.",
        "{When}, {they} would {act}.",
        "{They} would {act}, and then act as if nothing had happened when we met {place}.",
        "It was worse because it followed me home: {they} would {act} long after the day was over.",
        "When I read the first message, I {react}.",
    ],
    &[
        "Once, {they} blocked the way {place} and would not let me past until someone else came along.",
        "{They} would put an arm around me, even when I pulled away.",
        "I started taking the long way round so that I would not have to be {place}.",
        "It happened quickly and in front of other people, and nobody said anything.",
        "I told {them} to stop, and {they} laughed as if I was joking.",
        "Afterwards I went to the toilets and waited until my hands stopped shaking.",
        "{They} always made it look like an accident if anyone was watching.",
        "I started wearing my coat all day, even in summer, because it made me feel safer.",
        "{When}, {they} would {act} {place}. |assault",
        "{They} would {act}, and if I complained {they} said it was only a game.",
        "Every time {they} would {act}, I {react}.",
        "Other people saw {them} {act} and said nothing.",
    ],
    &[
        "{They} walked behind me all the way to the end of my road, laughing. |journey-to-school",
        "I started waiting inside until {they} had gone.",
        "I would text my mum so that she knew where I was.",
        "Even when nothing happened, I spent every journey watching over my shoulder. |journey-to-school",
        "{They} seemed to know which way I went home, and I never worked out how.",
        "Some days I asked to leave ten minutes early, and I never said why.",
        "My parents thought I had just fallen out with someone.",
        "{When}, {they} would {act}. |journey-to-school",
        "{They} would {act}, and I started to plan every day around avoiding {them}.",
        "The first time {they} did it I {react}, and after that I was always ready for it.",
    ],
    &[
        "{They} said that if I told anyone, people would turn against me. |coercion",
        "I went along with things I did not want to do, because saying no had made it worse. |coercion",
        "{They} made it clear that everyone would know if I did not do what {they} wanted. |coercion",
        "At the time I did not have the words to describe it as pressure.",
        "My friends said I should be flattered, which made it harder to say anything. |peer-pressure",
        "Everyone seemed to think it was normal, so I thought I was the problem. |peer-pressure",
        "I said no so many times that the word stopped meaning anything.",
        "{When}, {they} would {act}. |coercion",
        "{They} would {act}, and then tell everyone I had led {them} on.",
        "When I said no {place}, {they} would {act}.",
    ],
];

/// Where a long account moves on to another time, and often other people.
pub const TRANSITIONS: &[&str] = &[
    "Things changed in {year}.",
    "In {year}, it started again with different people.",
    "The next year was worse.",
    "Then, in {year}, something else happened.",
    "I thought it was over by {year}, but it was not.",
    "There is another part to this that I have never told anyone.",
    "A few months later it was something different.",
    "By {year} I thought I had learned how to avoid it.",
];

pub const FEELING: &[&str] = &[
    "I felt {feeling} and {feeling2}, and I did not know who to tell.",
    "For a long time I thought it was my fault.",
    "I stopped putting my hand up in {lessons}, because I did not want anyone to look at me.",
    "I started feeling sick on the way in every morning.",
    "My grades dropped that year, and nobody asked why.",
    "I felt {feeling} every time I walked in.",
    "I made myself small and quiet and hoped it would stop.",
    "At home I pretended everything was fine.",
    "I did not have the words for it then, but I know now that it was not okay.",
    "I felt {feeling} for months, and I did not understand why.",
    "Some mornings I pretended to be ill so that I could stay at home.",
    "I was {feeling} all the time, and {feeling2} when I let myself think about it.",
    "I stopped eating lunch {place} and spent breaks wherever I could be alone.",
    "My friends noticed I had gone quiet, but I could not explain it to them.",
    "I kept telling myself that other people had it worse.",
    "Looking back, I was {feeling} for most of {year}.",
    "Even on good days I was waiting for it to start again.",
];

pub const TELLING: &[&str] = &[
    "Eventually I told {staff}, and {response}.",
    "When I told {staff}, {response}.",
    "I went to {staff} with {friend}, and {response}.",
    "I wrote it all down and gave it to {staff}, and {response}.",
    "In the end {friend} told {staff} for me, and {response}.",
    "I finally spoke to {staff} at the end of {year}, and {response}.",
];

pub const NEVER_TOLD: &[&str] = &[
    "I never told anyone at the time, because I did not think anything would be done.",
    "I did not tell anyone, because it happened so often that it seemed normal.",
    "I thought about telling {staff}, but I was worried it would make things worse.",
];

pub const AFTER: &[&str] = &[
    "Looking back, I do not think anyone there understood how much it affected me.",
    "For a while it got quieter, and I let myself hope it was over.",
    "Some of my friends drifted away, and I understand why.",
    "Nothing really changed after that.",
    "{They} got {sanction}, and the next week it started again. |staff-response",
    "It stopped when {they} left, but I still think about it.",
    "Things got a bit better when I made new friends in {year2}.",
    "I spent the rest of that year trying to stay out of {their} way.",
    "Some of the staff were kind, but nobody wanted to deal with it properly. |staff-response",
    "A few years later I heard the same thing had happened to other people.",
    "I left at the end of {year2} and did not look back.",
    "It faded eventually, but it changed how I felt about the whole place.",
];

pub const REFLECTION: &[&str] = &[
    "I still flinch when someone walks too close behind me.",
    "I have started to talk about it, slowly, and it helps.",
    "What hurt most was not what they did, but how normal everyone found it.",
    "I think about the other students who must have gone through the same thing.",
    "I am older now, and I can see how young we all were.",
    "I would like the adults who looked away to know what it cost.",
    "I am writing this because I know I was not the only one.",
    "If you are going through something similar, it is not your fault.",
    "I wish someone had told me back then that it was not normal.",
    "Reading the other testimonies here made me realise how common this is.",
    "Schools need to take this seriously, even when it seems small.",
    "It is strange how something that lasted a few minutes can stay with you for years.",
    "I am doing much better now, but I still think about the person I was then.",
    "I hope the staff there have learned to listen.",
    "I do not want anyone to get into trouble, I just want it to be taken seriously.",
    "Talking about it with {friend} years later helped more than I expected.",
    "It was *not* my fault, and it has taken me a long time to believe that.",
];

pub const CLOSING: &[&str] = &[
    "Thank you for reading.",
    "Thank you to everyone who has shared their story here.",
    "If something is happening to you, tell someone, and keep telling people until someone listens.",
    "I hope things are different there now.",
];

pub const CLOSING_AT: &[&str] = &[
    "To anyone still at {school}, you deserve to feel safe there.",
    "I hope {school} is a safer place now than it was then.",
];

/// Titles by theme, and titles for any testimony.
pub const TITLES: [&[&str]; 5] = [
    &[
        "In the corridor",
        "Every break time",
        "Just banter",
        "The list",
        "Not a joke",
    ],
    &[
        "The group chat",
        "Messages at night",
        "Screenshots",
        "The photo",
        "New accounts",
    ],
    &[
        "By the lockers",
        "Too close",
        "Nobody said anything",
        "Like a game",
    ],
    &[
        "The walk home",
        "At the bus stop",
        "Watching over my shoulder",
        "The long way round",
    ],
    &[
        "Saying no",
        "Everyone else was doing it",
        "Fair game",
        "Not flattered",
    ],
];
pub const ANY_TITLES: &[&str] = &[
    "Told to ignore it",
    "What I wish I had said",
    "It was not my fault",
    "Still thinking about it",
    "For my younger self",
    "Nobody asked why",
    "Small things",
    "Finally writing this",
];
