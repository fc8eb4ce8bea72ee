use super::super::{ArmId, DefaultArm, DispatchStyle, Outcome};
use super::*;

fn names(t: &Table) -> Vec<Vec<String>> {
    t.arms
        .iter()
        .map(|a| a.patterns.iter().map(|p| p.value.clone()).collect())
        .collect()
}

fn outcome(t: &Table) -> Option<Outcome> {
    match &t.default {
        DefaultArm::Present { outcome, .. } => Some(*outcome),
        _ => None,
    }
}

#[test]
fn helloworld_case() {
    let s = script(HELLOWORLD);
    let Dispatch::Known(t) = dispatch(&s) else {
        panic!()
    };
    assert_eq!(t.style, DispatchStyle::Case);
    assert_eq!(s.slice(&t.anchor), "case");
    assert_eq!(
        names(&t),
        [["build"], ["package"], ["install"], ["uninstall"]]
    );
    assert_eq!(outcome(&t), Some(Outcome::Fails));
    let package = t.arm_for("package").unwrap();
    assert!(s.slice(&package.span).starts_with("package)"));
    assert!(s.slice(&package.span).ends_with(";;"));
    let cmds: Vec<_> = package
        .commands
        .iter()
        .map(|&i| s.commands()[i].name.as_ref().unwrap().raw.clone())
        .collect();
    assert_eq!(cmds, ["mkdir", "cp"]);
    assert!(t.arm_for("build").unwrap().commands.is_empty());
    let echo = s
        .commands()
        .iter()
        .find(|c| c.name.as_ref().unwrap().raw == "echo")
        .unwrap();
    assert_eq!(t.arm_of(&echo.span), Some(ArmId::Default));
    assert_eq!(t.names(ArmId::Arm(1)), ["package"]);
}
