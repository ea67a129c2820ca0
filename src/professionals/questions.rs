//! Questions for a professional: asking, the "answered by a verified …" marker, the asker's
//! most helpful answer, the clinicians' list of open questions, and the staff's figures on how
//! long questions wait for their first professional answer.
//!
//! The marker is written when a verified clinician's reply goes live (so lists read it from
//! the topic row, no join), and re-derived when that reply leaves the page or its author's
//! badge is revoked.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{groups, posts, professions, topics};
use crate::db::{self, AnyConnection};

/// Marks a topic as a question for a professional (of one profession, or any). A topic that
/// already has a verified clinician's live reply is answered at once.
pub fn ask(conn: &mut AnyConnection, topic_id: i64, profession_id: Option<i64>) -> QueryResult<()> {
    // Marked again after being unmarked: the wait is counted from the first asking.
    let asked: Option<NaiveDateTime> = topics::table.find(topic_id).select(topics::asked_at).first(conn)?;
    diesel::update(topics::table.find(topic_id))
        .set((
            topics::pro_question.eq(true),
            topics::asked_profession_id.eq(profession_id),
            topics::asked_at.eq(asked.unwrap_or_else(db::now)),
        ))
        .execute(conn)?;
    derive_answer(conn, topic_id)
}

/// Makes a topic an ordinary one again (a moderator's choice). When it was asked is kept, in
/// case it is marked again.
pub fn unask(conn: &mut AnyConnection, topic_id: i64) -> QueryResult<()> {
    diesel::update(topics::table.find(topic_id))
        .set((
            topics::pro_question.eq(false),
            topics::asked_profession_id.eq(None::<i64>),
            topics::helpful_post_id.eq(None::<i64>),
            topics::answer_post_id.eq(None::<i64>),
            topics::answered_profession.eq(None::<String>),
            topics::answered_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

/// A reply went live. If it is the first answer to a question from a verified clinician,
/// marks the question answered and returns the badge's profession (for telling the asker).
pub fn reply_went_live(conn: &mut AnyConnection, post_id: i64) -> QueryResult<Option<String>> {
    let (topic_id, author_id, asker, asked, answered): (i64, i64, i64, bool, Option<NaiveDateTime>) = posts::table
        .inner_join(topics::table)
        .filter(posts::id.eq(post_id))
        .select((posts::topic_id, posts::author_id, topics::author_id, topics::pro_question, topics::answered_at))
        .first(conn)?;
    if !asked || answered.is_some() || author_id == asker {
        return Ok(None);
    }
    let Some(badge) = super::badge_of(conn, author_id)? else { return Ok(None) };
    let marked = diesel::update(topics::table.find(topic_id).filter(topics::answered_at.is_null()))
        .set((
            topics::answer_post_id.eq(post_id),
            topics::answered_profession.eq(&badge.profession),
            topics::answered_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok((marked == 1).then_some(badge.profession))
}

/// A reply stopped being live (removed, deleted, hidden): if it was the question's answer,
/// the next verified clinician's live reply becomes the answer, or the question is open again.
pub fn reply_withdrawn(conn: &mut AnyConnection, topic_id: i64, post_id: i64) -> QueryResult<()> {
    let answer: Option<i64> = topics::table.find(topic_id).select(topics::answer_post_id).first(conn)?;
    if answer == Some(post_id) { derive_answer(conn, topic_id) } else { Ok(()) }
}

/// A clinician's badge was revoked: questions they answered wait for another professional.
pub fn badge_revoked(conn: &mut AnyConnection, user_id: i64) -> QueryResult<()> {
    let answered: Vec<i64> = topics::table
        .inner_join(posts::table.on(posts::id.nullable().eq(topics::answer_post_id)))
        .filter(posts::author_id.eq(user_id))
        .select(topics::id)
        .load(conn)?;
    for topic_id in answered {
        derive_answer(conn, topic_id)?;
    }
    Ok(())
}

/// Sets a question's answer to its first live reply from someone with a badge now (not the
/// asker), or clears it.
pub fn derive_answer(conn: &mut AnyConnection, topic_id: i64) -> QueryResult<()> {
    let (asker, asked): (i64, bool) =
        topics::table.find(topic_id).select((topics::author_id, topics::pro_question)).first(conn)?;
    let replies: Vec<(i64, i64, NaiveDateTime, Option<NaiveDateTime>)> = posts::table
        .filter(posts::topic_id.eq(topic_id))
        .filter(posts::status.eq("live"))
        .filter(posts::is_opening.eq(false))
        .filter(posts::author_id.ne(asker))
        .order((posts::created_at.asc(), posts::id.asc()))
        .select((posts::id, posts::author_id, posts::created_at, posts::decided_at))
        .load(conn)?;
    let authors: Vec<i64> = replies.iter().map(|r| r.1).collect();
    let badges = super::badges_for(conn, &authors)?;
    let answer = if asked {
        replies.iter().find_map(|(id, author, created, decided)| {
            badges.get(author).map(|b| (*id, b.profession.clone(), decided.unwrap_or(*created)))
        })
    } else {
        None
    };
    diesel::update(topics::table.find(topic_id))
        .set((
            topics::answer_post_id.eq(answer.as_ref().map(|a| a.0)),
            topics::answered_profession.eq(answer.as_ref().map(|a| a.1.clone())),
            topics::answered_at.eq(answer.as_ref().map(|a| a.2)),
        ))
        .execute(conn)
        .map(drop)
}

/// The asker marks the reply that helped most (or, marking it again, takes the mark back).
/// Returns false if the topic is not a question or the post is not a live reply in it by
/// someone else.
pub fn mark_helpful(conn: &mut AnyConnection, topic_id: i64, post_id: i64) -> QueryResult<bool> {
    let (asker, current, asked): (i64, Option<i64>, bool) = topics::table
        .find(topic_id)
        .select((topics::author_id, topics::helpful_post_id, topics::pro_question))
        .first(conn)?;
    if !asked {
        return Ok(false);
    }
    let fits: bool = diesel::select(diesel::dsl::exists(
        posts::table
            .filter(posts::id.eq(post_id))
            .filter(posts::topic_id.eq(topic_id))
            .filter(posts::status.eq("live"))
            .filter(posts::is_opening.eq(false))
            .filter(posts::author_id.ne(asker)),
    ))
    .get_result(conn)?;
    if !fits {
        return Ok(false);
    }
    let value = if current == Some(post_id) { None } else { Some(post_id) };
    diesel::update(topics::table.find(topic_id)).set(topics::helpful_post_id.eq(value)).execute(conn)?;
    Ok(true)
}

/// A question waiting for its first professional answer.
#[derive(Debug, Clone, Queryable)]
pub struct OpenQuestion {
    pub topic_id: i64,
    pub title: String,
    pub group_id: i64,
    pub group_name: String,
    pub asked_at: Option<NaiveDateTime>,
    /// The profession asked, if the asker chose one.
    pub profession: Option<String>,
}

/// Open questions in `group_ids`, oldest first (served by the partial index
/// `topics_open_questions`), optionally of one group and of one profession asked.
pub fn open_questions(
    conn: &mut AnyConnection,
    group_ids: &[i64],
    group: Option<i64>,
    profession: Option<i64>,
) -> QueryResult<Vec<OpenQuestion>> {
    let mut query = topics::table
        .inner_join(groups::table)
        .left_join(professions::table.on(professions::id.nullable().eq(topics::asked_profession_id)))
        .filter(topics::pro_question)
        .filter(topics::answered_at.is_null())
        .filter(topics::status.eq("live"))
        .filter(topics::group_id.eq_any(group_ids.to_vec()))
        .order((topics::asked_at.asc(), topics::id.asc()))
        .select((topics::id, topics::title, groups::id, groups::name, topics::asked_at, professions::badge.nullable()))
        .limit(200)
        .into_boxed();
    if let Some(group) = group {
        query = query.filter(topics::group_id.eq(group));
    }
    if let Some(profession) = profession {
        query = query.filter(topics::asked_profession_id.eq(profession));
    }
    query.load(conn)
}

/// How many weeks the dashboard's chart shows.
pub const CHART_WEEKS: usize = 8;

/// One week's questions that got their first professional answer.
#[derive(Debug, Clone)]
pub struct Week {
    pub starts: NaiveDate,
    pub answered: usize,
    /// Median minutes from asking to the first professional answer.
    pub median_minutes: Option<f64>,
}

/// A group's question figures for staff.
#[derive(Debug, Clone)]
pub struct GroupFigures {
    pub group_id: i64,
    pub group_name: String,
    pub open: usize,
    /// The oldest open question: (topic id, title, asked at).
    pub oldest: Option<(i64, String, NaiveDateTime)>,
    /// Over questions first answered in the last 30 days.
    pub answered_30_days: usize,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
    /// Oldest first; the last is the week that contains `now`.
    pub weeks: Vec<Week>,
}

/// Figures for each of `groups` ((id, name)), as of `now`: two queries whatever the number of
/// groups.
pub fn figures(
    conn: &mut AnyConnection,
    groups: &[(i64, String)],
    now: NaiveDateTime,
) -> QueryResult<Vec<GroupFigures>> {
    let ids: Vec<i64> = groups.iter().map(|g| g.0).collect();
    let open: Vec<(i64, i64, String, Option<NaiveDateTime>)> = topics::table
        .filter(topics::pro_question)
        .filter(topics::answered_at.is_null())
        .filter(topics::status.eq("live"))
        .filter(topics::group_id.eq_any(ids.clone()))
        .order((topics::asked_at.asc(), topics::id.asc()))
        .select((topics::group_id, topics::id, topics::title, topics::asked_at))
        .load(conn)?;
    let this_week = week_start(now.date());
    let chart_from = this_week - Duration::weeks(CHART_WEEKS as i64 - 1);
    let since = (now - Duration::days(30)).min(chart_from.and_hms_opt(0, 0, 0).unwrap_or(now));
    let answered: Vec<(i64, Option<NaiveDateTime>, Option<NaiveDateTime>)> = topics::table
        .filter(topics::answered_at.ge(since))
        .filter(topics::pro_question)
        .filter(topics::status.eq("live"))
        .filter(topics::group_id.eq_any(ids))
        .select((topics::group_id, topics::asked_at, topics::answered_at))
        .load(conn)?;
    Ok(groups
        .iter()
        .map(|(group_id, name)| {
            let waits: Vec<(NaiveDateTime, f64)> = answered
                .iter()
                .filter(|a| a.0 == *group_id)
                .filter_map(|a| {
                    let (asked, answer) = (a.1?, a.2?);
                    Some((answer, ((answer - asked).num_seconds().max(0) as f64) / 60.0))
                })
                .collect();
            let mut recent: Vec<f64> =
                waits.iter().filter(|(at, _)| *at >= now - Duration::days(30)).map(|w| w.1).collect();
            recent.sort_by(f64::total_cmp);
            let weeks = (0..CHART_WEEKS)
                .map(|i| {
                    let starts = chart_from + Duration::weeks(i as i64);
                    let mut minutes: Vec<f64> =
                        waits.iter().filter(|(at, _)| week_start(at.date()) == starts).map(|w| w.1).collect();
                    minutes.sort_by(f64::total_cmp);
                    Week { starts, answered: minutes.len(), median_minutes: crate::stats::percentile(&minutes, 50.0) }
                })
                .collect();
            let mine: Vec<&(i64, i64, String, Option<NaiveDateTime>)> =
                open.iter().filter(|o| o.0 == *group_id).collect();
            GroupFigures {
                group_id: *group_id,
                group_name: name.clone(),
                open: mine.len(),
                oldest: mine.first().map(|o| (o.1, o.2.clone(), o.3.unwrap_or(now))),
                answered_30_days: recent.len(),
                median_minutes: crate::stats::percentile(&recent, 50.0),
                p90_minutes: crate::stats::percentile(&recent, 90.0),
                weeks,
            }
        })
        .collect())
}

/// The Monday a week starts on.
fn week_start(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    day - Duration::days(day.weekday().num_days_from_monday() as i64)
}

/// A bar of the weekly chart, in SVG user units.
#[derive(Debug, Clone)]
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub height: i64,
    pub label: String,
    pub value: String,
}

pub const CHART_HEIGHT: i64 = 80;
pub const BAR_WIDTH: i64 = 30;
pub const BAR_GAP: i64 = 10;

impl GroupFigures {
    /// The weekly medians as bars scaled to the tallest week (weeks without answers have none).
    pub fn bars(&self) -> Vec<Bar> {
        let tallest = self.weeks.iter().filter_map(|w| w.median_minutes).fold(0.0_f64, f64::max).max(1.0);
        self.weeks
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let height =
                    w.median_minutes.map_or(0, |m| ((m / tallest) * CHART_HEIGHT as f64).round().max(1.0) as i64);
                Bar {
                    x: i as i64 * (BAR_WIDTH + BAR_GAP),
                    y: CHART_HEIGHT - height,
                    height,
                    label: w.starts.format("%-d %b").to_string(),
                    value: w.median_minutes.map_or_else(|| "no answers".to_owned(), crate::stats::duration_words),
                }
            })
            .collect()
    }

    pub fn chart_width(&self) -> i64 {
        self.weeks.len() as i64 * (BAR_WIDTH + BAR_GAP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(week_start(sunday), NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
        assert_eq!(
            week_start(NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()),
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
        );
    }
}
