//! Where things go in a project of the decided stack (`stack.language`): the conventional file
//! for a migration, a route handler, a job, a screen, and the commands that build and test it.

/// The conventions of one stack.
pub struct Layout {
    pub language: &'static str,
    /// The file that makes the project (`package.json`, `Cargo.toml`, ...).
    pub manifest: &'static str,
    pub build: &'static str,
    pub test: &'static str,
    migration: &'static str,
    handler: &'static str,
    handler_test: &'static str,
    job: &'static str,
    notification: &'static str,
    pub config: &'static str,
    /// Where a screen's page lives, `{page}` standing for its route.
    screen: &'static str,
}

const TYPESCRIPT: Layout = Layout {
    language: "TypeScript on Node.js",
    manifest: "package.json",
    build: "npm run build",
    test: "npm test",
    migration: "migrations/{n}_create_{table}.sql",
    handler: "src/routes/{resource}.ts",
    handler_test: "test/routes/{resource}.test.ts",
    job: "src/jobs/{name}.ts",
    notification: "src/notifications/{name}.ts",
    config: "src/config.ts",
    screen: WEB_PAGE,
};

/// Web pages are TypeScript whatever the server is written in.
const WEB_PAGE: &str = "web/src/pages/{page}.tsx";

/// When the spec decides no language: one neutral layout, and `make` as the entry point every
/// stack can provide, so no task names a language nobody chose.
const NEUTRAL: Layout = Layout {
    language: "a stack the spec does not decide (neutral layout; `make` runs the stack's own tools)",
    manifest: "Makefile",
    build: "make build",
    test: "make test",
    migration: "migrations/{n}_create_{table}.sql",
    handler: "src/api/{resource}",
    handler_test: "tests/api/{resource}",
    job: "src/jobs/{name}",
    notification: "src/notifications/{name}",
    config: "config/settings",
    screen: "ui/{page}",
};

const LAYOUTS: &[(&str, Layout)] = &[
    ("typescript", TYPESCRIPT),
    (
        "python",
        Layout {
            language: "Python with FastAPI",
            manifest: "pyproject.toml",
            build: "pip install -e '.[dev]'",
            test: "pytest",
            migration: "migrations/versions/{n}_create_{table}.py",
            handler: "app/routers/{resource}.py",
            handler_test: "tests/test_{resource}.py",
            job: "app/jobs/{name}.py",
            notification: "app/notifications/{name}.py",
            config: "app/config.py",
            screen: WEB_PAGE,
        },
    ),
    (
        "go",
        Layout {
            language: "Go",
            manifest: "go.mod",
            build: "go build ./...",
            test: "go test ./...",
            migration: "migrations/{n}_create_{table}.up.sql",
            handler: "internal/api/{resource}.go",
            handler_test: "internal/api/{resource}_test.go",
            job: "internal/jobs/{name}.go",
            notification: "internal/notify/{name}.go",
            config: "internal/config/config.go",
            screen: WEB_PAGE,
        },
    ),
    (
        "rust",
        Layout {
            language: "Rust",
            manifest: "Cargo.toml",
            build: "cargo build --locked",
            test: "cargo test --locked",
            migration: "migrations/{n}_create_{table}.sql",
            handler: "src/routes/{resource}.rs",
            handler_test: "tests/{resource}.rs",
            job: "src/jobs/{name}.rs",
            notification: "src/notify/{name}.rs",
            config: "src/config.rs",
            screen: WEB_PAGE,
        },
    ),
    (
        "ruby",
        Layout {
            language: "Ruby on Rails",
            manifest: "Gemfile",
            build: "bundle install",
            test: "bundle exec rspec",
            migration: "db/migrate/{n}_create_{table}.rb",
            handler: "app/controllers/{resource}_controller.rb",
            handler_test: "spec/requests/{resource}_spec.rb",
            job: "app/jobs/{name}_job.rb",
            notification: "app/mailers/{name}_mailer.rb",
            config: "config/settings.yml",
            screen: WEB_PAGE,
        },
    ),
    (
        "java",
        Layout {
            language: "Java with Spring Boot",
            manifest: "build.gradle",
            build: "./gradlew build -x test",
            test: "./gradlew test",
            migration: "src/main/resources/db/migration/V{n}__create_{table}.sql",
            handler: "src/main/java/app/api/{Resource}Controller.java",
            handler_test: "src/test/java/app/api/{Resource}ControllerTest.java",
            job: "src/main/java/app/jobs/{Name}Job.java",
            notification: "src/main/java/app/notify/{Name}Notification.java",
            config: "src/main/resources/application.yml",
            screen: WEB_PAGE,
        },
    ),
];

impl Layout {
    /// The layout of `stack.language`; a neutral one when it is undecided or unknown.
    pub fn of(language: Option<&str>) -> &'static Layout {
        let found = language.and_then(|l| LAYOUTS.iter().find(|(id, _)| *id == l)).map(|(_, layout)| layout);
        found.unwrap_or(&NEUTRAL)
    }

    pub fn migration(&self, n: usize, table: &str) -> String {
        self.migration.replace("{n}", &format!("{n:04}")).replace("{table}", table)
    }

    /// The handler of an API path's first segment (`/invitations/{id}` -> `invitations`).
    pub fn handler(&self, path: &str) -> (String, String) {
        let resource = resource(path);
        let pascal = super::entities::pascal(&resource);
        let fill = |t: &str| t.replace("{resource}", &resource).replace("{Resource}", &pascal);
        (fill(self.handler), fill(self.handler_test))
    }

    pub fn job(&self, name: &str) -> String {
        self.job.replace("{name}", name).replace("{Name}", &super::entities::pascal(name))
    }

    pub fn notification(&self, name: &str) -> String {
        self.notification.replace("{name}", name).replace("{Name}", &super::entities::pascal(name))
    }

    /// A screen's page file: `/settings/tokens` -> `web/src/pages/settings/tokens.tsx`.
    pub fn screen(&self, route: &str) -> String {
        let parts: Vec<String> = (route.split('/'))
            .filter(|p| !p.is_empty())
            .map(|p| match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(param) => format!("[{param}]"),
                None => p.to_owned(),
            })
            .collect();
        let page = if parts.is_empty() { "index".to_owned() } else { parts.join("/") };
        self.screen.replace("{page}", &page)
    }
}

/// `/auth/sign-in-links/{token}` -> `auth`; `/` -> `root`.
fn resource(path: &str) -> String {
    let first = path.split('/').find(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or("root");
    first.replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::Layout;

    #[test]
    fn each_stack_names_its_own_files() {
        let rust = Layout::of(Some("rust"));
        assert_eq!(rust.migration(3, "invitations"), "migrations/0003_create_invitations.sql");
        assert_eq!(rust.handler("/invitations/{id}/accept").0, "src/routes/invitations.rs");
        let java = Layout::of(Some("java"));
        assert_eq!(java.handler("/api-tokens").0, "src/main/java/app/api/ApiTokensController.java");
        assert_eq!(Layout::of(Some("go")).screen("/settings/{id}"), "web/src/pages/settings/[id].tsx");
        let neutral = Layout::of(None);
        assert_eq!((neutral.manifest, neutral.build, neutral.test), ("Makefile", "make build", "make test"));
        assert_eq!(neutral.screen("/"), "ui/index");
        assert_eq!(Layout::of(Some("cobol")).manifest, "Makefile");
    }
}
