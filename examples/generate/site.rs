//! The settings, campaign updates and pages of a generated archive: fixed texts, written by
//! the campaign, that link to each other and to the archive's own pages.

pub fn site_yaml(testimonies: u32, schools: u32, seed: u64) -> String {
    format!(
        "\
# A generated archive (examples/generate.rs: --testimonies {testimonies} --schools {schools} --seed {seed}).
# Everything in it is invented: schools, places and accounts. No real school or person.
title: Generated Testimony Archive
description: A generated archive of {testimonies} invented testimonies about {schools} invented schools, for testing and measuring the site generator.
base_url: https://example.org/
language: en
theme: default
per_page: 50
quick_exit_url: https://www.bbc.co.uk/weather
tags:
  harassment: Harassment
  online: Online
  image-based-abuse: Image-based abuse
  assault: Assault
  coercion: Coercion
  peer-pressure: Peer pressure
  rumours: Rumours
  staff-response: Staff response
  journey-to-school: Journey to school
  school-trip: School trip
support: |
  **You are not alone.** If reading this brings up difficult feelings, take a break whenever you need to.

  Our [support](/support/) page lists ways to find help, and [how to report](/how-to-report/) explains
  the options if you want to tell someone what happened.
"
    )
}

/// Update files: (file name, text). The last one is a draft.
pub fn updates() -> Vec<(String, String)> {
    [
        (
            "2021-03-01-the-archive-is-open",
            "The archive is open",
            "Why this archive exists and how testimonies are moderated.",
            "Today we are opening this archive to readers.\n\n\
             Every testimony here was sent to us anonymously and read by at least one volunteer \
             moderator\nbefore it was published. We publish the names of **schools**, never of \
             people.\n\n\
             You can browse the archive [by school](/schools/), or [search](/search/) the full \
             text of every\ntestimony. Search runs in your browser, so what you type stays on \
             your device.\n",
        ),
        (
            "2021-04-12-thank-you",
            "Thank you",
            "",
            "In the first weeks we received far more testimonies than we expected. Our \
             volunteers are reading\nthem as fast as they can; please be patient if yours has \
             not appeared yet.\n",
        ),
        (
            "2021-09-06-back-to-school",
            "Back to school",
            "A note for students starting a new school year.",
            "A new school year has started, and for many readers that brings mixed feelings.\n\n\
             If something happens to you, you are allowed to tell someone, and to tell someone \
             else if the\nfirst person does not help. Our [how to report](/how-to-report/) page \
             explains the options.\n",
        ),
        (
            "2022-06-01-how-we-moderate",
            "How we moderate",
            "What happens to a testimony between submission and publication.",
            "Each testimony is read by a volunteer, who checks that it names no person and \
             nothing that could\nidentify one. Some are edited; a few are not published. Authors \
             may ask for their testimony\nto be withdrawn at any time, and it disappears from \
             the site with the next update.\n",
        ),
        (
            "2023-03-01-two-years-on",
            "Two years on",
            "What has changed since the archive opened.",
            "Two years after opening, the archive is read every day by students, parents, \
             teachers and\njournalists. See the [latest testimonies](/testimonies/) or the \
             [school index](/schools/).\n",
        ),
        (
            "2024-09-02-a-new-year",
            "A new school year",
            "",
            "This update is still being written.\n",
        ),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (stem, title, summary, body))| {
        let mut front = format!("---\ntitle: {title}\ndate: {}\n", &stem[..10]);
        if !summary.is_empty() {
            front.push_str(&format!("summary: {summary}\n"));
        }
        if i == 5 {
            front.push_str("draft: true\n");
        }
        (format!("{stem}.md"), format!("{front}---\n{body}"))
    })
    .collect()
}

/// Page files: (file name, text).
pub fn pages() -> Vec<(String, String)> {
    [
        (
            "about",
            "About this archive",
            "",
            1,
            "This is a **generated archive**: every school, place and testimony in it was made \
             up by a program,\nto test and measure the site generator at scale. No real school \
             or person is described here.\n\n\
             ## How it works\n\n\
             - Testimonies are sent anonymously and read by volunteers before they are \
             published.\n\
             - We publish the names of schools, never the names of people.\n\
             - Search runs in your browser; nothing you type is sent anywhere.\n",
        ),
        (
            "support",
            "Support",
            "",
            2,
            "If reading these testimonies brings up difficult feelings, you do not have to deal \
             with them alone.\n\n\
             Talk to someone you trust: a friend, a family member, a teacher or a doctor. If you \
             are in\ndanger now, call the emergency services.\n",
        ),
        (
            "how-to-report",
            "How to report",
            "",
            3,
            "You can tell a member of staff you trust, your school's safeguarding lead, or the \
             police.\nYou can also write to us: we read everything, though we cannot reply to \
             each message.\n\n\
             Read our [privacy and safety](/privacy/) notes before you write.\n",
        ),
        (
            "privacy-and-safety",
            "Privacy and safety",
            "privacy",
            4,
            "This site sets no cookies, runs no tracking and loads nothing from other \
             websites.\n\n\
             The **quick exit** button on every page takes you straight to another website. \
             Your browser's\nhistory still shows this site: use a private window on a shared \
             device.\n",
        ),
    ]
    .into_iter()
    .map(|(stem, title, slug, menu, body)| {
        let slug = if slug.is_empty() {
            String::new()
        } else {
            format!("slug: {slug}\n")
        };
        let text = format!("---\ntitle: {title}\n{slug}menu: {menu}\n---\n{body}");
        (format!("{stem}.md"), text)
    })
    .collect()
}
