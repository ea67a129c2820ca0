//! `Ctx`: who is asking, plus the CSRF token for the forms on the page. Every page handler takes
//! one. For a visitor without a session cookie it costs nothing; for anyone else one pooled
//! connection and small indexed queries: the ground rules' version, the session with its
//! account (whose last-seen time is refreshed now and then), their memberships and their
//! professional badge (and, for the few with one, the groups they are approved for); for
//! moderators also two counts of what waits for them (held posts, and live urgent posts).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::error::AppError;
use crate::policy::{SignedIn, Viewer};
use crate::web::AppState;
use crate::web::text_size::TextSize;

/// The CSRF token the security middleware prepared for this request's forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// The request's viewer and form token.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub viewer: Viewer,
    pub csrf: String,
    /// The ground rules' current version (0 before any are published). Read for signed-in
    /// viewers only: a visitor without a session costs no database work here at all.
    pub rules_version: i32,
    /// For moderators: held posts waiting in their groups, and how many of those are urgent.
    pub waiting: Option<(i64, i64)>,
    /// The viewer's text size (a cookie) and this page's address, for the header's control.
    pub text_size: TextSize,
    pub here: String,
    /// A moderator or admin whose session has not passed two-step sign-in: until it does, they
    /// are an ordinary member everywhere, and staff pages send them to set it up.
    pub second_factor_needed: bool,
}

/// The parts of every page that depend on the viewer (header, navigation, form tokens).
#[derive(Debug, Clone)]
pub struct Chrome {
    pub csrf: String,
    pub user: Option<ChromeUser>,
    pub site_name: &'static str,
    pub vendor_css: &'static str,
    pub css: &'static str,
    pub script: &'static str,
    pub text_size: TextSize,
    /// The page's own address, where the text-size control comes back to.
    pub here: String,
}

impl Chrome {
    /// The chrome of a page shown to nobody in particular (error pages).
    pub fn anonymous() -> Chrome {
        Chrome {
            csrf: String::new(),
            user: None,
            site_name: super::SITE_NAME,
            vendor_css: super::assets::vendor_stylesheet_path(),
            css: super::assets::stylesheet_path(),
            script: super::assets::script_path(),
            text_size: TextSize::Normal,
            here: "/".into(),
        }
    }

    pub fn text_sizes(&self) -> [TextSize; 3] {
        TextSize::ALL
    }
}

#[derive(Debug, Clone)]
pub struct ChromeUser {
    pub name: String,
    pub is_admin: bool,
    pub is_moderator: bool,
    pub verified: bool,
    /// Holds a professional badge: the open questions are theirs to answer.
    pub clinician: bool,
    /// Held posts waiting for this moderator, and how many are urgent.
    pub waiting: (i64, i64),
    /// There may be more waiting than counted ("100+").
    pub waiting_more: bool,
    /// Staff who must pass two-step sign-in before their staff tools appear.
    pub second_factor_needed: bool,
}

impl Ctx {
    pub fn chrome(&self) -> Chrome {
        Chrome {
            csrf: self.csrf.clone(),
            user: self.viewer.account().map(|a| ChromeUser {
                name: a.display_name.clone(),
                is_admin: a.is_admin,
                is_moderator: self.viewer.is_moderator(),
                verified: a.email_verified_at.is_some(),
                clinician: self.viewer.badge().is_some(),
                waiting: self.waiting.unwrap_or_default(),
                waiting_more: self.waiting.is_some_and(|(all, _)| all >= crate::moderation::queue::NAV_COUNT_CAP),
                second_factor_needed: self.second_factor_needed,
            }),
            site_name: super::SITE_NAME,
            vendor_css: super::assets::vendor_stylesheet_path(),
            css: super::assets::stylesheet_path(),
            script: super::assets::script_path(),
            text_size: self.text_size,
            here: self.here.clone(),
        }
    }

    /// The signed-in viewer, or a redirect to the sign-in page that comes back to `here`.
    pub fn require_signed_in(&self, here: &str) -> Result<&SignedIn, AppError> {
        self.viewer.signed_in.as_ref().ok_or_else(|| AppError::SignInRequired { next: here.to_owned() })
    }

    /// Where staff who have not passed two-step sign-in are sent instead of a staff page.
    fn second_factor_first(&self) -> AppError {
        AppError::Redirect(format!("/me/two-factor?next={}", crate::web::urlencode(&self.here)))
    }

    /// Staff-only pages: admins. Others get a 404, as for a page that does not exist.
    pub fn require_admin(&self) -> Result<&SignedIn, AppError> {
        match &self.viewer.signed_in {
            Some(_) if self.second_factor_needed => Err(self.second_factor_first()),
            Some(s) if s.account.is_admin => Ok(s),
            None => Err(AppError::SignInRequired { next: "/admin".into() }),
            Some(_) => Err(AppError::NotFound),
        }
    }

    /// Pages for anyone who moderates some group.
    pub fn require_moderator(&self) -> Result<&SignedIn, AppError> {
        match &self.viewer.signed_in {
            Some(_) if self.second_factor_needed => Err(self.second_factor_first()),
            Some(s) if self.viewer.is_moderator() => Ok(s),
            None => Err(AppError::SignInRequired { next: "/mod/queue".into() }),
            Some(_) => Err(AppError::NotFound),
        }
    }
}

/// Paths a member may visit before accepting changed ground rules.
fn exempt_from_rules(path: &str) -> bool {
    path == "/rules" || path.starts_with("/static/") || path == "/logout" || path == "/healthz"
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Some(ctx) = req.extensions().get::<Ctx>() {
                return Ok(ctx.clone());
            }
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?
                .clone();
            let csrf = req.extensions().get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default();
            let text_size = TextSize::of(req.cookie(crate::web::text_size::COOKIE));
            let here = req.uri().to_string();
            let Some(token) = req.cookie(state.session_cookie()).map(|c| c.value().to_owned()) else {
                let ctx = Ctx {
                    viewer: Viewer { signed_in: None },
                    csrf,
                    rules_version: 0,
                    waiting: None,
                    text_size,
                    here,
                    second_factor_needed: false,
                };
                req.extensions_mut().insert(ctx.clone());
                return Ok(ctx);
            };
            let (signed_in, rules_version, waiting, second_factor_needed) = crate::db::run(&state.pool, move |conn| {
                let rules_version = crate::site::current_rules_version(conn)?;
                let Some(crate::accounts::Resumed { session_id, second_factor, mut account }) =
                    crate::accounts::resume_session(conn, &token)?
                else {
                    return Ok((None, rules_version, None, false));
                };
                let mut memberships = crate::groups::memberships_of(conn, account.id)?;
                // Staff powers need a session that passed the second step; until then the
                // viewer is an ordinary member, so no staff page, button or count can show.
                let staff = account.is_admin || memberships.iter().any(|m| m.moderates());
                let second_factor_needed = staff && !second_factor;
                if second_factor_needed {
                    account.is_admin = false;
                    for m in memberships.iter_mut().filter(|m| m.moderates()) {
                        m.role = crate::groups::ROLE_MEMBER.to_owned();
                    }
                }
                let badge = crate::professionals::badge_of(conn, account.id)?;
                let clinician_groups = match badge {
                    Some(_) => crate::professionals::approved_groups(conn, account.id)?,
                    None => Vec::new(),
                };
                let viewer =
                    Viewer { signed_in: Some(SignedIn { session_id, account, memberships, badge, clinician_groups }) };
                let waiting = if viewer.is_moderator() {
                    Some(crate::moderation::queue::waiting(
                        conn,
                        viewer.moderated_groups().as_deref(),
                        viewer.is_admin(),
                        crate::moderation::queue::NAV_COUNT_CAP,
                    )?)
                } else {
                    None
                };
                Ok((viewer.signed_in, rules_version, waiting, second_factor_needed))
            })
            .await?;
            let needs_rules = signed_in.as_ref().is_some_and(|s| s.account.rules_version.unwrap_or(0) < rules_version);
            if needs_rules && !exempt_from_rules(req.path()) {
                // Nothing is posted under rules the member has not accepted; a page they were
                // reading is shown again after they accept.
                let back =
                    if req.method() == actix_web::http::Method::GET { req.uri().to_string() } else { "/".into() };
                return Err(AppError::Redirect(format!("/rules?next={}", crate::web::urlencode(&back))));
            }
            let ctx = Ctx {
                viewer: Viewer { signed_in },
                csrf,
                rules_version,
                waiting,
                text_size,
                here,
                second_factor_needed,
            };
            req.extensions_mut().insert(ctx.clone());
            Ok(ctx)
        })
    }
}
