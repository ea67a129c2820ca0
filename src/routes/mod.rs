//! Request handlers, thin by design: parse the form, ask `policy`, call a service, pick a
//! template. The URL map is the public contract in DESIGN.md.

mod accounts;
mod admin;
mod groups;
mod home;
mod moderation;
mod notifications;
pub(crate) mod posts;
mod pro;
mod search;
mod verifications;

use actix_web::web;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home))
        .route("/healthz", web::get().to(home::healthz))
        .route("/rules", web::get().to(home::rules))
        .route("/help", web::get().to(home::help))
        .route("/rules", web::post().to(home::accept_rules))
        .route("/static/{name}", web::get().to(crate::web::assets::serve))
        .route("/text-size", web::get().to(crate::web::text_size::choose))
        .route("/register", web::get().to(accounts::register_form))
        .route("/register", web::post().to(accounts::register))
        .route("/login", web::get().to(accounts::login_form))
        .route("/login", web::post().to(accounts::login))
        .route("/logout", web::post().to(accounts::logout))
        .route("/verify-email/resend", web::post().to(accounts::resend_verification))
        .route("/verify-email/{token}", web::get().to(accounts::verify_email))
        .route("/password-reset", web::get().to(accounts::reset_request_form))
        .route("/password-reset", web::post().to(accounts::reset_request))
        .route("/password-reset/{token}", web::get().to(accounts::reset_form))
        .route("/password-reset/{token}", web::post().to(accounts::reset))
        .route("/me/password", web::get().to(accounts::change_password_form))
        .route("/me/password", web::post().to(accounts::change_password))
        .route("/g/{slug}", web::get().to(groups::group_page))
        .route("/g/{slug}/join", web::post().to(groups::join))
        .route("/g/{slug}/new", web::get().to(groups::new_topic_form))
        .route("/g/{slug}/new", web::post().to(groups::new_topic))
        .route("/t/{id}", web::get().to(posts::topic_page))
        .route("/t/{id}/reply", web::post().to(posts::reply))
        .route("/p/{id}/edit", web::get().to(posts::edit_form))
        .route("/p/{id}/edit", web::post().to(posts::edit))
        .route("/p/{id}/delete", web::get().to(posts::delete_form))
        .route("/p/{id}/delete", web::post().to(posts::delete))
        .route("/p/{id}/history", web::get().to(posts::history))
        .route("/p/{id}/remove", web::get().to(moderation::remove_form))
        .route("/p/{id}/remove", web::post().to(moderation::remove))
        .route("/p/{id}/restore", web::post().to(moderation::restore))
        .route("/mod/queue", web::get().to(moderation::queue))
        .route("/mod/queue", web::post().to(moderation::bulk))
        .route("/mod/queue/{id}", web::get().to(moderation::item))
        .route("/mod/queue/{id}", web::post().to(moderation::act))
        .route("/mod/queue/{id}/undo", web::post().to(moderation::undo))
        .route("/mod/log", web::get().to(moderation::log))
        .route("/mod/members/{id}", web::get().to(moderation::member))
        .route("/mod/members/{id}", web::post().to(moderation::act_on_member))
        .route("/t/{id}/lock", web::post().to(moderation::lock_topic))
        .route("/p/{id}/appeal", web::post().to(posts::appeal))
        .route("/mod/reports/{id}", web::get().to(moderation::report))
        .route("/mod/reports/{id}", web::post().to(moderation::decide_report))
        .route("/p/{id}/flag", web::get().to(posts::flag_form))
        .route("/p/{id}/flag", web::post().to(posts::flag))
        .route("/admin/rules", web::get().to(admin::rules))
        .route("/admin/rules", web::post().to(admin::create_rule))
        .route("/admin/rules/{id}", web::post().to(admin::toggle_rule))
        .route("/admin/settings", web::get().to(admin::settings))
        .route("/admin/settings", web::post().to(admin::save_settings))
        .route("/admin/helplines", web::get().to(admin::helplines))
        .route("/admin/helplines", web::post().to(admin::create_helpline))
        .route("/admin/helplines/{id}", web::post().to(admin::update_helpline))
        .route("/admin/canned-notes", web::get().to(admin::canned_notes))
        .route("/admin/canned-notes", web::post().to(admin::create_canned_note))
        .route("/admin/canned-notes/{id}", web::post().to(admin::update_canned_note))
        .route("/me/posts", web::get().to(posts::my_posts))
        .route("/me/notifications", web::get().to(notifications::settings))
        .route("/me/notifications", web::post().to(notifications::save))
        .route("/unsubscribe/{token}", web::get().to(notifications::unsubscribe_page))
        .route("/unsubscribe/{token}", web::post().to(notifications::unsubscribe))
        .route("/p/{id}/go", web::get().to(posts::go))
        .route("/admin/mail", web::get().to(admin::mail))
        .route("/admin/mail/{id}", web::post().to(admin::retry_mail))
        .route("/mod/requests", web::get().to(moderation::requests))
        .route("/mod/requests/{id}", web::post().to(moderation::decide_request))
        .route("/search", web::get().to(search::search_page))
        .route("/pro/apply", web::get().to(pro::apply_form))
        .route("/pro/apply", web::post().to(pro::apply))
        .route("/pro/questions", web::get().to(pro::questions_list))
        .route("/pro/verified", web::get().to(pro::verified))
        .route("/pro/badge/{id}", web::get().to(pro::badge))
        .route("/u/{id}", web::get().to(pro::profile))
        .route("/t/{id}/question", web::post().to(pro::mark_question))
        .route("/p/{id}/helpful", web::post().to(pro::mark_helpful))
        .route("/mod/dashboard", web::get().to(pro::dashboard))
        .route("/admin/verifications", web::get().to(verifications::list))
        .route("/admin/verifications/{id}", web::get().to(verifications::detail))
        .route("/admin/verifications/{id}", web::post().to(verifications::decide))
        .route("/admin/professions", web::get().to(verifications::professions))
        .route("/admin/professions", web::post().to(verifications::create_profession))
        .route("/admin/professions/{id}", web::post().to(verifications::update_profession))
        .route("/admin", web::get().to(admin::index))
        .route("/admin/groups", web::get().to(admin::groups))
        .route("/admin/groups/new", web::get().to(admin::new_group_form))
        .route("/admin/groups/new", web::post().to(admin::create_group))
        .route("/admin/groups/{id}", web::get().to(admin::edit_group_form))
        .route("/admin/groups/{id}", web::post().to(admin::update_group))
        .route("/admin/members", web::get().to(admin::members))
        .route("/admin/members/{id}", web::get().to(admin::member))
        .route("/admin/members/{id}", web::post().to(admin::update_member))
        .route("/admin/ground-rules", web::get().to(admin::rules_form))
        .route("/admin/ground-rules", web::post().to(admin::publish_rules));
}

/// Parses a numeric path id; anything else is simply a page that does not exist.
fn id(raw: &str) -> Result<i64, crate::error::AppError> {
    raw.parse().map_err(|_| crate::error::AppError::NotFound)
}
