//! Commentary asked for: a plan manager asks the owners of the plan's objectives and indicators
//! for their commentary on a period by a date; each owner sees the ask on My actions until they
//! write it; the narrative page lists who has written; nobody learns of an objective they may
//! not see through an ask.

use chrono::NaiveDate;
use waymark_app::AppError;
use waymark_app::model::NarrativeSubject;

use crate::fixture::fixtures;

const PERIOD: &str = "Q3 2026-27";

fn fields(error: AppError) -> Vec<String> {
    match error {
        AppError::Invalid(problems) => problems.into_iter().map(|(field, _)| field).collect(),
        other => panic!("expected a refusal by field, got {other:?}"),
    }
}

#[tokio::test]
async fn owners_are_asked_for_commentary_see_it_until_they_write_it_and_the_manager_sees_who_has() {
    for f in fixtures("app_commentary_asked").await {
        let manager = f.manager().await;
        let contributor = f.contributor().await;

        // Nobody owns an objective yet: the plan as it is has nobody to ask.
        let none = f
            .app
            .ask_for_commentary(&manager, f.plan, PERIOD, "15/01/2027", "")
            .await
            .unwrap_err();
        assert!(
            matches!(&none, AppError::State(problems) if problems[0].0 == "form"),
            "{none:?} on {}",
            f.backend
        );

        f.app
            .assign_owners(&manager, f.plan, &[f.rec1], "Head of Contact Management")
            .await
            .unwrap();
        f.app
            .assign_owners(&manager, f.plan, &[f.rec2], "Community Safety Manager")
            .await
            .unwrap();

        // Only a plan manager asks; the date is today or later; the period must be one.
        assert!(matches!(
            f.app
                .ask_for_commentary(&contributor, f.plan, PERIOD, "15/01/2027", "")
                .await,
            Err(AppError::Forbidden)
        ));
        let refused = f
            .app
            .ask_for_commentary(&manager, f.plan, "Q9 2026", "19/11/2026", "")
            .await
            .unwrap_err();
        let refused = fields(refused);
        assert!(refused.contains(&"due".to_string()), "{refused:?}");
        assert_eq!(refused.len(), 2, "the period and the date: {refused:?}");
        assert!(matches!(
            f.app
                .ask_for_commentary(&f.outsider().await, f.plan, PERIOD, "15/01/2027", "")
                .await,
            Err(AppError::NotFound | AppError::Missing { .. })
        ));

        let asked = f
            .app
            .ask_for_commentary(
                &manager,
                f.plan,
                "q3 2026-27",
                "15/01/2027",
                "  For the January board, please.  ",
            )
            .await
            .unwrap();
        assert_eq!(asked.period, PERIOD);
        assert_eq!(asked.due, NaiveDate::from_ymd_opt(2027, 1, 15).unwrap());
        assert_eq!(asked.asked.len(), 2, "{}", f.backend);
        assert!(asked.without_owner.is_empty(), "{:?}", asked.without_owner);
        assert_eq!(
            asked.asked[0].note.as_deref(),
            Some("For the January board, please.")
        );
        assert_eq!(asked.asked[0].asked_by.as_deref(), Some("Mo Manager"));

        // The contributor holds the post that owns Rec 1: it is on their list, and only it.
        let mine = f.app.my_commentary_asks(&contributor).await.unwrap();
        assert_eq!(mine.len(), 1, "{}", f.backend);
        assert_eq!(mine[0].ask.title, "Improve the booking-in of detainees");
        assert_eq!(
            mine[0].ask.request.subject,
            NarrativeSubject::Objective(f.rec1)
        );
        assert_eq!(mine[0].plan_title, "Custody improvement plan");
        assert!(
            !mine[0]
                .ask
                .overdue(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap())
        );
        assert!(
            mine[0]
                .ask
                .overdue(NaiveDate::from_ymd_opt(2027, 1, 16).unwrap())
        );

        // The partner's post owns Rec 2, which is above the share's ceiling: the ask is not
        // theirs to see, and nothing names it.
        let partner = f.partner().await;
        assert!(f.app.my_commentary_asks(&partner).await.unwrap().is_empty());
        let partner_view = f
            .app
            .commentary_asked(&partner, f.plan, PERIOD)
            .await
            .unwrap();
        assert_eq!(partner_view.len(), 1);
        assert_eq!(partner_view[0].title, "Improve the booking-in of detainees");

        // Writing it answers the ask: off the owner's list, "written" for the manager.
        f.app
            .save_narrative(
                &contributor,
                f.plan,
                PERIOD,
                NarrativeSubject::Objective(f.rec1),
                "The new script is in use in both suites.",
            )
            .await
            .unwrap();
        assert!(
            f.app
                .my_commentary_asks(&contributor)
                .await
                .unwrap()
                .is_empty()
        );
        let status = f
            .app
            .commentary_asked(&manager, f.plan, PERIOD)
            .await
            .unwrap();
        assert_eq!(status.len(), 2);
        let rec1 = status
            .iter()
            .find(|ask| ask.request.subject == NarrativeSubject::Objective(f.rec1))
            .unwrap();
        assert_eq!(
            rec1.written.as_ref().and_then(|(_, by)| by.as_deref()),
            Some("Cal Contributor")
        );
        let rec2 = status
            .iter()
            .find(|ask| ask.request.subject == NarrativeSubject::Objective(f.rec2))
            .unwrap();
        assert!(rec2.written.is_none());
        assert_eq!(rec2.request.owners, vec!["Community Safety Manager"]);

        // Asking again is a reminder with a new date: the newest ask is the one shown, and
        // what was written before it does not answer it.
        f.app
            .ask_for_commentary(&manager, f.plan, PERIOD, "2027-01-29", "")
            .await
            .unwrap();
        let again = f
            .app
            .commentary_asked(&manager, f.plan, PERIOD)
            .await
            .unwrap();
        assert_eq!(again.len(), 2);
        assert!(again.iter().all(|ask| ask.written.is_none()));
        assert!(
            again
                .iter()
                .all(|ask| ask.request.due == NaiveDate::from_ymd_opt(2027, 1, 29).unwrap())
        );
        assert_eq!(
            f.app.my_commentary_asks(&contributor).await.unwrap().len(),
            1
        );

        // Another period has asked nothing.
        assert!(
            f.app
                .commentary_asked(&manager, f.plan, "Q4 2026-27")
                .await
                .unwrap()
                .is_empty()
        );
    }
}
