# Run with `rails runner` in a freshly migrated Redmine (setup_redmine.sh): settings for the
# benchmark, the RAG custom field, the 40 owners as users and members, the public project
# "bench", and an API key for the administrator. Prints the ids gen.py's SQL needs as JSON.
#   ARGV[0]: owners.json (gen.py owners)   ARGV[1]: where to write the JSON
require 'json'

Setting.rest_api_enabled = '1'
Setting.login_required = '0'
Setting.notified_events = []          # no mail is sent on updates
Setting.per_page_options = '25,50,100'
Setting.default_language = 'en'
# 100 results a page, as Waymark's plan page lists a search 100 rows at a time.
Setting.search_results_per_page = '100'

admin = User.find_by!(login: 'admin')
admin.password = admin.password_confirmation = 'bench-admin-password'
admin.must_change_passwd = false
admin.mail_notification = 'none'
admin.save!

tracker = Tracker.find_by!(name: 'Feature')
cf = IssueCustomField.create!(name: 'RAG', field_format: 'list',
                              possible_values: %w[Red Amber Green Blue], is_filter: true,
                              is_for_all: true, visible: true, searchable: false,
                              trackers: Tracker.all.to_a)

project = Project.create!(name: 'Bench plan', identifier: 'bench', is_public: true,
                          enabled_module_names: %w[issue_tracking],
                          trackers: Tracker.all.to_a)

role = Role.find_by!(name: 'Developer')
[Role.anonymous, Role.non_member].each do |r|
  r.add_permission!(:view_issues)
end

users = {}
JSON.parse(File.read(ARGV[0])).each do |o|
  u = User.new(firstname: o['firstname'], lastname: o['lastname'], mail: "#{o['login']}@bench.example",
               mail_notification: 'none', language: 'en')
  u.login = o['login']
  u.password = u.password_confirmation = 'bench-owner-password'
  u.save!
  Member.create!(project: project, principal: u, role_ids: [role.id])
  users[o['login']] = u.id
end

token = Token.create!(user: admin, action: 'api')

File.write(ARGV[1], JSON.pretty_generate(
  project_id: project.id, rag_field_id: cf.id, tracker_id: tracker.id,
  open_status_id: IssueStatus.find_by!(name: 'In Progress').id,
  closed_status_id: IssueStatus.find_by!(name: 'Closed').id,
  priority_id: IssuePriority.default.id, first_issue_id: 1,
  api_key: token.value, users: users))
