//! C4 architecture as Mermaid: the system in its context, its containers, and the components of
//! its API, from the platform, hosting, data and API decisions and the entities.

use super::{Gaps, Spec, one_line};
use std::fmt::Write;

/// Text inside a Mermaid quoted string: one line, no double quotes.
fn q(text: &str) -> String {
    one_line(text).replace('"', "'")
}

struct Shape {
    web: bool,
    mobile: bool,
    api_style: Option<String>,
    store: String,
    sso: bool,
    realtime: bool,
    billing: bool,
    hosting: String,
}

fn shape(spec: &Spec<'_>) -> Shape {
    let web = spec.flag("ui.web") || spec.fact("ui.web").is_none();
    let store = match spec.word("data.store").as_deref() {
        Some("mysql") => "MySQL",
        Some("document") => "Document database",
        _ => "PostgreSQL",
    };
    Shape {
        web,
        mobile: spec.flag("ui.mobile"),
        api_style: spec.word("api.style").filter(|s| s != "none"),
        store: store.to_owned(),
        sso: spec.is("auth.method", "sso"),
        realtime: spec.flag("ui.realtime"),
        billing: spec.word("billing.model").is_some_and(|b| b != "free"),
        hosting: spec.word("ops.hosting").unwrap_or_else(|| "managed".into()).replace('_', " "),
    }
}

pub fn c4(spec: &Spec<'_>, gaps: &Gaps) -> Vec<(String, &'static str, Vec<u8>)> {
    let s = shape(spec);
    let name = q(&spec.name);
    let role = spec.roles().first().cloned().unwrap_or_else(|| "member".into());
    let gap = gaps.comment("    %% ");

    let mut context = format!("C4Context\n    title System context of {name}\n{gap}");
    let _ = writeln!(
        context,
        "    Person(user, \"{}\", \"Uses {name} with their team\")",
        q(&super::prd::title_case(&role))
    );
    let _ = writeln!(context, "    System(system, \"{name}\", \"{}\")", q(&first_sentence(&spec.idea, "The product")));
    if s.sso {
        let _ = writeln!(context, "    System_Ext(idp, \"Identity provider\", \"The customer's SSO (SAML or OIDC)\")");
    }
    if s.billing {
        let _ = writeln!(context, "    System_Ext(billing, \"Payment provider\", \"Subscriptions and invoices\")");
    }
    let _ = writeln!(context, "    System_Ext(email, \"Email service\", \"Invitations and notifications\")");
    let _ = writeln!(context, "    Rel(user, system, \"Uses\", \"HTTPS\")");
    if s.sso {
        let _ = writeln!(context, "    Rel(system, idp, \"Signs people in with\", \"OIDC/SAML\")");
    }
    if s.billing {
        let _ = writeln!(context, "    Rel(system, billing, \"Charges through\", \"HTTPS\")");
    }
    let _ = writeln!(context, "    Rel(system, email, \"Sends email through\", \"SMTP/HTTPS\")");

    let api_label = s.api_style.clone().unwrap_or_else(|| "internal".into());
    let mut container = format!("C4Container\n    title Containers of {name} ({} hosting)\n{gap}", q(&s.hosting));
    let _ = writeln!(container, "    Person(user, \"{}\")", q(&super::prd::title_case(&role)));
    let _ = writeln!(container, "    System_Boundary(boundary, \"{name}\") {{");
    if s.web {
        let _ = writeln!(container, "        Container(web, \"Web app\", \"Browser\", \"The screens people use\")");
    }
    if s.mobile {
        let _ = writeln!(
            container,
            "        Container(mobile, \"Mobile app\", \"iOS and Android\", \"The app on phones\")"
        );
    }
    let _ = writeln!(
        container,
        "        Container(api, \"API\", \"{}\", \"Business rules and data access\")",
        q(&api_label)
    );
    let _ = writeln!(
        container,
        "        Container(worker, \"Worker\", \"Background jobs\", \"Email, exports, retention\")"
    );
    let _ = writeln!(container, "        ContainerDb(db, \"Database\", \"{}\", \"All product data\")", q(&s.store));
    let _ = writeln!(container, "    }}");
    if s.web {
        let _ = writeln!(container, "    Rel(user, web, \"Uses\", \"HTTPS\")");
        let _ = writeln!(
            container,
            "    Rel(web, api, \"Calls\", \"{}\")",
            if s.realtime { "HTTPS + WebSocket" } else { "HTTPS" }
        );
    }
    if s.mobile {
        let _ = writeln!(container, "    Rel(user, mobile, \"Uses\")");
        let _ = writeln!(container, "    Rel(mobile, api, \"Calls\", \"HTTPS\")");
    }
    let _ = writeln!(container, "    Rel(api, db, \"Reads and writes\", \"SQL\")");
    let _ = writeln!(container, "    Rel(worker, db, \"Reads and writes\", \"SQL\")");

    let mut component = format!("C4Component\n    title Components of the API of {name}\n{gap}");
    let _ = writeln!(component, "    Container_Boundary(api, \"API\") {{");
    let _ = writeln!(
        component,
        "        Component(auth, \"Authentication\", \"Module\", \"Sign-in, sessions and tokens\")"
    );
    let _ = writeln!(
        component,
        "        Component(access, \"Access control\", \"Module\", \"Roles: {}\")",
        q(&spec.roles().join(", "))
    );
    for e in spec.entities() {
        let _ = writeln!(
            component,
            "        Component(e_{}, \"{}\", \"Module\", \"{}\")",
            e.name,
            q(&e.plural_title()),
            q(&format!("Create, list, change and delete {}", e.plural().replace('_', " ")))
        );
    }
    let _ = writeln!(component, "    }}");
    let _ = writeln!(component, "    ContainerDb(db, \"Database\", \"{}\")", q(&s.store));
    let _ = writeln!(component, "    Rel(auth, db, \"Reads and writes\")");
    for e in spec.entities() {
        let _ = writeln!(component, "    Rel(e_{}, access, \"Checks permissions with\")", e.name);
        let _ = writeln!(component, "    Rel(e_{}, db, \"Reads and writes\")", e.name);
    }
    vec![
        ("c4-context.mmd".into(), "mermaid", context.into_bytes()),
        ("c4-container.mmd".into(), "mermaid", container.into_bytes()),
        ("c4-component.mmd".into(), "mermaid", component.into_bytes()),
    ]
}

fn first_sentence(text: &str, fallback: &str) -> String {
    let line = one_line(text);
    let sentence = line.split_inclusive(['.', '!', '?']).next().unwrap_or("").trim();
    if sentence.is_empty() { fallback.to_owned() } else { sentence.chars().take(120).collect() }
}
