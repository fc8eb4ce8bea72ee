//! The conf.d files Wazo itself puts in its services' folders, with the values they set.
//!
//! A service reads its conf.d files in sorted order and **the first file that sets a value
//! wins** (`xivo-lib-python@b773b7b:xivo/config_helper.py` `parse_config_dir`,
//! `xivo/chain_map.py:18-27`): a plugin file that sorts after one of these and sets the same
//! value is not read for it (WP506), and `wazo-plugin config` shows these values beside the
//! plugin's.
//!
//! Sources, each read in the repository of the package that ships or writes the file (the
//! commit is the one each entry names; the Debian packages install `etc/* etc/`, see each
//! repository's `debian/<package>.install`):
//!
//! | service | file | package | how | source |
//! |---|---|---|---|---|
//! | wazo-auth | `50-wazo-default.yml` | wazo-auth-keys | shipped | `wazo-auth-keys@0fb6489:etc/wazo-auth/conf.d/50-wazo-default.yml` |
//! | wazo-auth | `50-db.yml` | wazo-auth | postinst, remote database | `wazo-auth@f1c4e52:debian/wazo-auth.postinst:74` |
//! | wazo-chatd | `50-db.yml` | wazo-chatd | postinst, remote database | `wazo-chatd@f0240ac:debian/wazo-chatd.postinst:51` |
//! | wazo-call-logd | `50-db.yml` | wazo-call-logd | postinst, remote database | `wazo-call-logd@ac29995:debian/wazo-call-logd.postinst:55` |
//! | wazo-purge-db | `50-call-logd.yml` | wazo-call-logd | shipped | `wazo-call-logd@ac29995:etc/wazo-purge-db/conf.d/50-call-logd.yml` |
//! | wazo-purge-db | `50-webhookd.yml` | wazo-webhookd | shipped | `wazo-webhookd@877dc71:etc/wazo-purge-db/conf.d/50-webhookd.yml` |
//! | wazo-phoned | `050-xivo-config.yml` until 24.13 | wazo-phoned | shipped, the same | `wazo-phoned@820ab7a:etc/wazo-phoned/conf.d/050-xivo-config.yml`; renamed by `wazo-phoned@5186c7a` (`debian/maintscript`: `mv_conffile ... 24.13`) |
//! | wazo-phoned | `50-authorized-subnets.yml` from 24.13 | wazo-phoned | shipped, `!exec wazo-confgen phoned/config.yml` | `wazo-phoned@69f0e85:etc/wazo-phoned/conf.d/50-authorized-subnets.yml`, output from `wazo-confgend@d650fa0:wazo_confgend/phoned.py` |
//! | wazo-provd | `50-network.yml` | wazo-provd | shipped, `!exec wazo-confgen provd/network.yml` | `wazo-provd@5dde984:etc/wazo-provd/conf.d/50-network.yml`, output from `wazo-confgend@d650fa0:wazo_confgend/plugins/provd_conf.py` |
//!
//! Searched and found to put nothing in a conf.d folder on a Debian install: the `debian/`
//! and `etc/` folders of wazo-calld, wazo-confd, wazo-dird, wazo-agentd, wazo-amid,
//! wazo-confgend, wazo-setupd, wazo-sysconfd, wazo-ui, wazo-websocketd, wazo-agid,
//! wazo-plugind, wazo-upgrade, xivo-config and wazo-platform, and the scripts of xivo-config.
//! wazo-setupd writes `/usr/share/wazo-setupd/50-wazo-plugin-nestbox.yml` (the `nestbox` key)
//! when a server is linked to Nestbox, linked into wazo-auth's and wazo-webhookd's conf.d only
//! by its Dockerfile: not listed. Older releases wrote other files (wazo-auth-bootstrap wrote
//! wazo-auth's `050-init-config.yml` from 2017-12 until `wazo-auth@0781aeb`, 2019-11): only
//! the current ones are here.
//!
//! Releases: only wazo-phoned's rename is tied to a release (its `debian/maintscript`); the
//! other files are taken as present on every release (they date from 2019-02 to 2021-04).
//!
//! Lists: wazo-auth reads its files with `read_config_file_hierarchy_accumulating_list`
//! (`wazo-auth@f1c4e52:wazo_auth/config.py:214`): a list set in two files is the two lists
//! one after the other, so a later plugin file adds to Wazo's list instead of losing. The
//! other services here use `read_config_file_hierarchy` (the first list wins).

use crate::wazo_version::{WazoVersion, check_wazo_version};

/// A value a Wazo file sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WazoValue {
    /// A scalar, as PyYAML gives it (the text, unquoted).
    Scalar(&'static str),
    /// A list, described (`60 ACL patterns`).
    List(&'static str),
    /// A value made on the server (an `!exec` command's output, a postinst's input),
    /// described.
    Generated(&'static str),
    /// A list made on the server, described.
    GeneratedList(&'static str),
}

impl WazoValue {
    pub fn is_list(self) -> bool {
        matches!(self, WazoValue::List(_) | WazoValue::GeneratedList(_))
    }

    /// For display: the scalar, or the description in angle brackets.
    pub fn display(self) -> String {
        match self {
            WazoValue::Scalar(s) => s.to_string(),
            WazoValue::List(d) | WazoValue::Generated(d) | WazoValue::GeneratedList(d) => {
                format!("<{d}>")
            }
        }
    }
}

/// A conf.d file Wazo puts on every server (or, with `when`, on some).
#[derive(Debug, PartialEq, Eq)]
pub struct WazoFile {
    /// The service whose `/etc/<service>/conf.d/` holds it.
    pub service: &'static str,
    pub name: &'static str,
    /// The Debian package that ships or writes it.
    pub package: &'static str,
    /// When it is there, if not always: `the database is remote`.
    pub when: Option<&'static str>,
    /// `wazo-platform/<repo>@<commit>:<path>[:<line>]`.
    pub source: &'static str,
    /// The values it sets: key path, value.
    pub settings: &'static [(&'static [&'static str], WazoValue)],
    /// The first release that has it under this name, when known (otherwise: every release).
    pub since: Option<&'static str>,
    /// The first release that no longer has it under this name.
    pub until: Option<&'static str>,
}

const DB_URI: &[(&[&str], WazoValue)] = &[(
    &["db_uri"],
    WazoValue::Generated("the database URI given to debconf"),
)];
const PHONED_SUBNETS: &[(&[&str], WazoValue)] = &[(
    &["rest_api", "authorized_subnets"],
    WazoValue::GeneratedList(
        "the phone access subnets of the Wazo database, from `wazo-confgen phoned/config.yml`",
    ),
)];
const REMOTE_DB: Option<&str> =
    Some("the package was installed with a remote database (debconf db-admin-password set)");

/// Wazo's own conf.d files, by service.
pub static WAZO_FILES: &[WazoFile] = &[
    WazoFile {
        service: "wazo-auth",
        name: "50-wazo-default.yml",
        package: "wazo-auth-keys",
        when: None,
        source: "wazo-platform/wazo-auth-keys@0fb6489:etc/wazo-auth/conf.d/50-wazo-default.yml",
        settings: &[
            (
                &["default_user_policy"],
                WazoValue::Scalar("wazo_default_user_policy"),
            ),
            (
                &[
                    "default_policies",
                    "wazo_default_user_policy",
                    "description",
                ],
                WazoValue::Scalar("Default Wazo policy for user"),
            ),
            (
                &["default_policies", "wazo_default_user_policy", "acl"],
                WazoValue::List("60 ACL patterns"),
            ),
            (
                &[
                    "default_policies",
                    "wazo_default_admin_policy",
                    "description",
                ],
                WazoValue::Scalar("Default Wazo policy for administrator"),
            ),
            (
                &["default_policies", "wazo_default_admin_policy", "acl"],
                WazoValue::List("14 ACL patterns"),
            ),
            (
                &[
                    "tenant_default_groups",
                    "wazo_default_admin_group",
                    "policies",
                    "wazo_default_admin_policy",
                ],
                WazoValue::Scalar("true"),
            ),
            (
                &["enabled_metadata_plugins", "user_admin_status"],
                WazoValue::Scalar("true"),
            ),
            (
                &["purpose_metadata_mapping", "user"],
                WazoValue::List("1 metadata plugin: user_admin_status"),
            ),
        ],
        since: None,
        until: None,
    },
    WazoFile {
        service: "wazo-auth",
        name: "50-db.yml",
        package: "wazo-auth",
        when: REMOTE_DB,
        source: "wazo-platform/wazo-auth@f1c4e52:debian/wazo-auth.postinst:74",
        settings: DB_URI,
        since: None,
        until: None,
    },
    WazoFile {
        service: "wazo-chatd",
        name: "50-db.yml",
        package: "wazo-chatd",
        when: REMOTE_DB,
        source: "wazo-platform/wazo-chatd@f0240ac:debian/wazo-chatd.postinst:51",
        settings: DB_URI,
        since: None,
        until: None,
    },
    WazoFile {
        service: "wazo-call-logd",
        name: "50-db.yml",
        package: "wazo-call-logd",
        when: REMOTE_DB,
        source: "wazo-platform/wazo-call-logd@ac29995:debian/wazo-call-logd.postinst:55",
        settings: DB_URI,
        since: None,
        until: None,
    },
    WazoFile {
        service: "wazo-purge-db",
        name: "50-call-logd.yml",
        package: "wazo-call-logd",
        when: None,
        source: "wazo-platform/wazo-call-logd@ac29995:etc/wazo-purge-db/conf.d/50-call-logd.yml",
        settings: &[
            (
                &["enabled_plugins", "purgers", "call-logs"],
                WazoValue::Scalar("true"),
            ),
            (
                &["enabled_plugins", "purgers", "exports"],
                WazoValue::Scalar("true"),
            ),
            (
                &["enabled_plugins", "purgers", "recordings"],
                WazoValue::Scalar("true"),
            ),
        ],
        since: None,
        until: None,
    },
    WazoFile {
        service: "wazo-purge-db",
        name: "50-webhookd.yml",
        package: "wazo-webhookd",
        when: None,
        source: "wazo-platform/wazo-webhookd@877dc71:etc/wazo-purge-db/conf.d/50-webhookd.yml",
        settings: &[
            (
                &["enabled_plugins", "purgers", "webhookd-logs"],
                WazoValue::Scalar("true"),
            ),
            (
                &["days_to_keep_per_plugin", "webhookd-logs"],
                WazoValue::Scalar("30"),
            ),
        ],
        since: None,
        until: None,
    },
    WazoFile {
        service: "wazo-phoned",
        name: "050-xivo-config.yml",
        package: "wazo-phoned",
        when: None,
        source: "wazo-platform/wazo-phoned@820ab7a:etc/wazo-phoned/conf.d/050-xivo-config.yml",
        settings: PHONED_SUBNETS,
        since: None,
        until: Some("24.13"),
    },
    WazoFile {
        service: "wazo-phoned",
        name: "50-authorized-subnets.yml",
        package: "wazo-phoned",
        when: None,
        source: "wazo-platform/wazo-phoned@69f0e85:etc/wazo-phoned/conf.d/50-authorized-subnets.yml",
        settings: PHONED_SUBNETS,
        since: Some("24.13"),
        until: None,
    },
    WazoFile {
        service: "wazo-provd",
        name: "50-network.yml",
        package: "wazo-provd",
        when: Some("a provisioning HTTP URL or VoIP address is configured"),
        source: "wazo-platform/wazo-provd@5dde984:etc/wazo-provd/conf.d/50-network.yml",
        settings: &[(
            &["general", "advertised_http_url"],
            WazoValue::Generated(
                "the provisioning HTTP URL of the Wazo database, from `wazo-confgen provd/network.yml`",
            ),
        )],
        since: None,
        until: None,
    },
];

/// Wazo's own conf.d files for a service on a release (`None`: the newest).
pub fn wazo_files<'a>(
    service: &'a str,
    release: Option<&'a WazoVersion>,
) -> impl Iterator<Item = &'static WazoFile> + use<'a> {
    WAZO_FILES
        .iter()
        .filter(move |f| f.service == service && f.on(release))
}

impl WazoFile {
    /// Whether a server of `release` (`None`: the newest) has the file under this name.
    pub fn on(&self, release: Option<&WazoVersion>) -> bool {
        let at = |v: &str| check_wazo_version(v).ok();
        match release {
            None => self.until.is_none(),
            Some(r) => {
                self.since.and_then(at).is_none_or(|s| *r >= s)
                    && self.until.and_then(at).is_none_or(|u| *r < u)
            }
        }
    }
}

/// Whether the service reads conf.d with accumulating lists (a list in two files is both,
/// one after the other): wazo-auth and wazo-auth-keys
/// (`read_config_file_hierarchy_accumulating_list`, `wazo-auth@f1c4e52:wazo_auth/config.py:214`,
/// `wazo-auth-keys@0fb6489:wazo_auth_keys/config.py`).
pub fn accumulates_lists(service: &str) -> bool {
    matches!(service, "wazo-auth" | "wazo-auth-keys")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_is_a_yml_name_of_a_known_service_with_a_source() {
        for f in WAZO_FILES {
            assert!(
                crate::wazo::services::service(f.service).is_some(),
                "{}",
                f.service
            );
            // A name the services read (`crate::confd::skipped_because`, not called here:
            // confd depends on this module).
            assert!(
                f.name.ends_with(".yml") && !f.name.starts_with('.'),
                "{}",
                f.name
            );
            assert!(
                f.source.starts_with("wazo-platform/") && f.source.contains('@'),
                "{}",
                f.source
            );
            assert!(!f.settings.is_empty());
        }
        assert_eq!(wazo_files("wazo-auth", None).count(), 2);
        assert_eq!(wazo_files("wazo-calld", None).count(), 0);
    }

    #[test]
    fn wazo_phoned_s_file_was_renamed_in_24_13() {
        let names = |v: Option<&str>| {
            let v = v.map(|v| check_wazo_version(v).unwrap());
            wazo_files("wazo-phoned", v.as_ref())
                .map(|f| f.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(None), ["50-authorized-subnets.yml"]);
        assert_eq!(names(Some("24.13")), ["50-authorized-subnets.yml"]);
        assert_eq!(names(Some("24.12")), ["050-xivo-config.yml"]);
    }
}
