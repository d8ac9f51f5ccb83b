//! Create managed IP pool (and standard): the form in the guide's steps and words.

use maud::html;

use super::{Frame, MOVE_NOTE, ROOT, field_error, hidden, page, url};

/// The Create pool form as filled in, and where it was refused.
#[derive(Debug, Clone, Default)]
pub struct CreateForm {
    /// `MANAGED` or `STANDARD`.
    pub mode: String,
    pub name: String,
    pub config_sets: Vec<String>,
    pub tags: Vec<(String, String)>,
    /// SES's error text by field: `name`, `config_sets`, `tags`, or `form`.
    pub errors: Vec<(&'static str, String)>,
}

impl CreateForm {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| e.as_str())
    }
}

/// The most tags a resource has (SES: 50).
pub const MAX_TAGS: usize = 50;

/// Create managed IP pool, in the guide's steps and words: the **Overview** section's
/// **Scaling mode** and **Pool name**, the configuration sets, **Tags** with **Add new tag**,
/// then **Create pool**.
pub fn create_pool(f: &Frame, form: &CreateForm, sets: &[(String, Option<String>)]) -> String {
    let managed = form.mode != "STANDARD";
    page(
        f,
        if managed {
            "Create managed IP pool"
        } else {
            "Create standard IP pool"
        },
        html! {
            h1 { (if managed { "Create managed IP pool" } else { "Create standard IP pool" }) }
            form #create-form method="post" action={ (ROOT) "/create-pool" } novalidate {
                (hidden(f))
                // The form's first submit button is what Enter in a field presses: Create,
                // not a tag row's Remove.
                button.sr type="submit" name="create" value="1" tabindex="-1" aria-hidden="true" { "Create pool" }
                @if let Some(e) = form.error("form") {
                    p.error.banner role="alert" { (e) }
                }
                section.panel aria-labelledby="overview-title" {
                    h2 #overview-title { "Overview" }
                    fieldset.choices {
                        legend { "Scaling mode" }
                        label.choice {
                            input type="radio" name="mode" value="MANAGED" checked[managed];
                            strong { "Managed (auto managed)" }
                            span { "SES leases IPs, warms them per mailbox provider and scales the pool with your sending." }
                        }
                        label.choice {
                            input type="radio" name="mode" value="STANDARD" checked[!managed];
                            strong { "Standard (manual)" }
                            span { "You lease IPs, place them in the pool and warm them." }
                        }
                    }
                    label for="pool-name" { "Pool name" }
                    input #pool-name type="text" name="name" value=(form.name) maxlength="64" autocomplete="off" spellcheck="false"
                        aria-describedby="pool-name-hint name-error" data-check={ (ROOT) "/create-pool/check" };
                    p.hint #pool-name-hint { "Letters, numbers, underscores and hyphens; unique among the region's managed and standard pools." }
                    (field_error("name-error", form.error("name")))
                }
                section.panel {
                    h2 { "Configuration sets" " " small.optional { "(Optional)" } }
                    p.hint { "Mail sent with these configuration sets goes through this pool." }
                    @if sets.is_empty() {
                        p.empty { "No configuration sets in " (f.region) "." }
                    }
                    div.sets role="group" aria-label="Configuration sets" {
                        @for (i, (name, pool)) in sets.iter().enumerate() {
                            div.set {
                                input type="checkbox" id={ "cs-" (i) } name="config_set" value=(name) checked[form.config_sets.contains(name)];
                                label for={ "cs-" (i) } {
                                    (name)
                                    @if let Some(p) = pool { " " small { "(on pool " (p) ")" } }
                                }
                                @if pool.is_some() {
                                    p.note role="note" { (MOVE_NOTE) }
                                }
                            }
                        }
                    }
                    (field_error("config-sets-error", form.error("config_sets")))
                }
                section.panel aria-labelledby="tags-title" {
                    h2 #tags-title { "Tags" " " small.optional { "(Optional)" } }
                    p.hint { "Up to " (MAX_TAGS) " tags. Keys are unique." }
                    // With no tag yet there is no table (a header over nothing reads "Key
                    // Value"); the script adds rows in place, the same fields the server adds.
                    p.empty #no-tags hidden[!form.tags.is_empty()] { "No tags associated with the resource." }
                    table.tags #tag-rows hidden[form.tags.is_empty()] {
                        thead { tr { th scope="col" { "Key" } th scope="col" { "Value" } th scope="col" { span.sr { "Remove" } } } }
                        tbody {
                            @for (i, (k, v)) in form.tags.iter().enumerate() {
                                tr {
                                    td { input type="text" name="tag_key" value=(k) aria-label={ "Tag " (i + 1) " key" }; }
                                    td { input type="text" name="tag_value" value=(v) aria-label={ "Tag " (i + 1) " value" }; }
                                    td { button.link type="submit" name="remove_tag" value=(i) formnovalidate aria-label={ "Remove tag " (i + 1) } { "Remove" } }
                                }
                            }
                        }
                    }
                    button #add-tag type="submit" name="add_tag" value="1" data-max=(MAX_TAGS) disabled[form.tags.len() >= MAX_TAGS] { "Add new tag" }
                    (field_error("tags-error", form.error("tags")))
                }
                div.actions {
                    a.button href=(url(f, "")) { "Cancel" }
                    button.primary #create type="submit" name="create" value="1" { "Create pool" }
                }
            }
        },
    )
}
