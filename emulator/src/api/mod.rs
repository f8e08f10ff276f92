//! The emulated service's routes: submit, get, list, and the output files. The router
//! (`server.rs`) is their only user; they use the state, the validation and the job's driver.

mod auth;
mod credits;
mod files;
mod generate;
mod get_job;
mod idempotency;
mod json_body;
mod list;
mod list_query;
mod new_job;

pub use files::file;
pub use generate::generate;
pub use get_job::get_job;
pub use list::list_jobs;
