//! The choices a person confirmed an import with are remembered for the file's source (its
//! organisation, target and sheets' header rows) and applied at the next upload of the same
//! tracker, saying whose they were; another source is read as it is (issue #15).

use waymark_app::imports::{SheetChoice, Upload};
use waymark_io::header::Field;

use crate::fixture::fixtures;

const JUNE: &str = "Custody improvement plan: June\n\nRef,Action,Lead,Due\n\
                    1,Review the cells,Insp Smith,30/06/2027\n";
const SEPTEMBER: &str = "Custody improvement plan: September\n\nRef,Action,Lead,Due\n\
                         1,Review the cells,Insp Smith,30/06/2027\n\
                         2,Train the staff,Sgt Jones,31/12/2027\n";

fn upload(name: &str, content: &str) -> Upload {
    Upload {
        file_name: name.into(),
        content: content.as_bytes().to_vec(),
        new_title: Some("Custody".into()),
        ..Upload::default()
    }
}

fn field_of(previewed: &waymark_app::imports::UploadPreview, header: &str) -> &'static str {
    previewed
        .columns
        .iter()
        .find(|c| c.header == header)
        .map(|c| c.field.name())
        .unwrap_or_else(|| panic!("no column {header}"))
}

#[tokio::test]
async fn choices_confirmed_for_a_source_are_applied_to_its_next_upload() {
    for f in fixtures("remembered_choices").await {
        let admin = f.admin().await;
        let first = f
            .app
            .preview_upload(&admin, upload("custody-june.csv", JUNE))
            .await
            .unwrap();
        assert_eq!(field_of(&first, "Lead"), "owner", "{}", f.backend);
        assert_eq!(first.corrections.saved_from, None);
        let corrected = f
            .app
            .correct_upload_columns(
                &admin,
                &first.token,
                SheetChoice::Together,
                None,
                vec![("Lead".into(), Field::StrategicLead)],
                Vec::new(),
            )
            .await
            .unwrap();
        assert_eq!(field_of(&corrected, "Lead"), "strategic_lead");
        f.app
            .confirm_upload(&admin, &first.token, Default::default())
            .await
            .unwrap();

        // The next quarter's copy, uploaded by another plan manager of the organisation.
        let manager = f.manager().await;
        let next = f
            .app
            .preview_upload(&manager, upload("custody-september.csv", SEPTEMBER))
            .await
            .unwrap();
        assert_eq!(field_of(&next, "Lead"), "strategic_lead", "{}", f.backend);
        let saved = next.corrections.saved_from.clone().expect("saved choices");
        assert_eq!(saved.saved_by, "Ada Admin");
        assert_eq!(saved.file_name, "custody-june.csv");
        assert_eq!(saved.saved_on, f.app.clock().now().date_naive());
        assert_eq!(
            next.corrections.columns,
            vec![("Lead".to_string(), "strategic_lead".to_string())]
        );
        // Kept with the upload: the confirmation reads the file as the preview did.
        let again = f.app.upload_preview(&manager, &next.token).await.unwrap();
        assert_eq!(field_of(&again, "Lead"), "strategic_lead");

        // Read without them, the file is read as it is.
        let plain = f
            .app
            .preview_without_saved_choices(&manager, &next.token)
            .await
            .unwrap();
        assert_eq!(field_of(&plain, "Lead"), "owner");
        assert_eq!(plain.corrections.saved_from, None);

        // Another layout is another source; so is an import into an existing plan.
        let other = f
            .app
            .preview_upload(
                &admin,
                upload(
                    "other.csv",
                    "Ref,Action,Lead,Due,RAG\n1,Review the cells,Insp Smith,30/06/2027,G\n",
                ),
            )
            .await
            .unwrap();
        assert_eq!(other.corrections.saved_from, None, "{}", f.backend);
        assert_eq!(field_of(&other, "Lead"), "owner");
    }
}
