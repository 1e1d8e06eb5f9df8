using SafeUse.Features.Incidents;
using SafeUse.Features.People;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Incidents;

/// <summary>Who a report reaches: defaults, per-school routes, and each case where the subject would have received it.</summary>
public sealed class RoutingTests
{
    private const long A = 1, B = 2;

    // People: 10 Head of A, 11 DSL of A, 12 deputy DSL of A, 13 IT lead of A, 14 online safety lead of A,
    // 20 Head of B who is also B's DSL, 30 trust DPO, 31 executive leader, 32 chair of A, 33 trust chair,
    // 40 teacher at A managed by 41 (managed by 42), 43 teacher at A with no line manager.
    private static RoutingWorld World(IEnumerable<long>? leavers = null, bool withExecutive = true, bool withChairA = true) => new(
        [
            Holds(10, Role.Head, A), Holds(11, Role.Dsl, A), Holds(12, Role.DeputyDsl, A), Holds(13, Role.ItLead, A), Holds(14, Role.OnlineSafetyLead, A),
            Holds(20, Role.Head, B), Holds(20, Role.Dsl, B), Holds(30, Role.Dpo, null),
            .. withExecutive ? [Holds(31, Role.ExecutiveLeader, null)] : Array.Empty<RoleAssignment>(),
            .. withChairA ? [Holds(32, Role.ChairOfGovernors, A)] : Array.Empty<RoleAssignment>(),
            Holds(33, Role.ChairOfGovernors, null),
            Holds(41, Role.LineManager, A), Holds(42, Role.LineManager, A),
        ],
        new Dictionary<long, long?> { [40] = 41, [41] = 42, [42] = null, [43] = null, [11] = 10 },
        (leavers ?? []).ToHashSet());

    private static RoleAssignment Holds(long person, Role role, long? school) => new() { PersonId = person, Role = role, SchoolId = school };

    private static IReadOnlyList<Recipient> Resolve(string kind, long school, long reporter, long? subject = null, string? route = null, RoutingWorld? world = null, bool subjectAtNoSchool = false)
    {
        var k = ReportKinds.Find(kind)!;
        var setting = IncidentService.Default(school, k);
        if (route is not null)
        {
            setting.Route = route;
        }

        return IncidentService.Recipients(k, setting, world ?? World(), school, reporter, subject, subjectAtNoSchool);
    }

    private static string Steps(IReadOnlyList<Recipient> r) => string.Join(" ", r.Select(x => $"{x.PersonId}@{x.Step}"));

    [Fact]
    public void A_lost_device_goes_to_the_IT_lead_then_the_trust_DPO_by_default()
    {
        Steps(Resolve(ReportKinds.LostDevice, A, 40)).ShouldBe("13@0 30@1");
    }

    [Fact]
    public void Each_school_has_its_own_route()
    {
        Steps(Resolve(ReportKinds.Other, A, 40)).ShouldBe("14@0");
        Steps(Resolve(ReportKinds.Other, A, 40, route: "dsl,head")).ShouldBe("11@0 12@0 10@1");
    }

    [Fact]
    public void Deputies_receive_what_the_DSL_receives()
    {
        Resolve(ReportKinds.OffensiveMessage, A, 40).Where(r => r.Step == 0).Select(r => r.PersonId).ShouldBe([11, 12]);
    }

    [Fact]
    public void A_report_about_the_DSL_goes_to_the_Head_and_not_to_the_DSL()
    {
        var r = Resolve(ReportKinds.OffensiveMessage, A, 40, subject: 11);
        r.Select(x => x.PersonId).ShouldNotContain(11);
        r.Single(x => x.Step == 0).PersonId.ShouldBe(10);
    }

    [Fact]
    public void A_report_about_a_deputy_still_reaches_the_DSL_but_not_the_deputy()
    {
        Steps(Resolve(ReportKinds.OffensiveMessage, A, 40, subject: 12)).ShouldBe("11@0 14@1");
    }

    [Fact]
    public void A_report_about_the_Head_goes_to_the_executive_leader_or_without_one_the_chair_of_governors()
    {
        Steps(Resolve(ReportKinds.Other, A, 40, subject: 10, route: "head")).ShouldBe("31@0");
        Steps(Resolve(ReportKinds.Other, A, 40, subject: 10, route: "head", world: World(withExecutive: false))).ShouldBe("32@0");
    }

    [Fact]
    public void A_conduct_concern_about_the_Head_reaches_the_chair_of_governors_and_the_DSL_never_the_Head()
    {
        var r = Resolve(ReportKinds.StaffConduct, A, 40, subject: 10);
        Steps(r).ShouldBe("32@0 11@1");
        r.Select(x => x.PersonId).ShouldNotContain(10);
    }

    [Fact]
    public void A_school_without_its_own_chair_uses_the_trusts_chair()
    {
        Steps(Resolve(ReportKinds.StaffConduct, A, 40, subject: 10, world: World(withChairA: false))).ShouldBe("33@0 11@1");
    }

    [Fact]
    public void A_conduct_concern_about_someone_from_the_central_team_goes_to_the_executive_leader_and_about_them_to_the_trust_chair()
    {
        Resolve(ReportKinds.StaffConduct, A, 40, subject: 30, subjectAtNoSchool: true).First().PersonId.ShouldBe(31);
        Resolve(ReportKinds.StaffConduct, A, 40, subject: 31, subjectAtNoSchool: true).First().PersonId.ShouldBe(33);
    }

    [Fact]
    public void A_conduct_concern_goes_to_the_case_manager_and_the_DSL_whatever_the_route_says()
    {
        // The deputy DSL (12) receives the DSL's reports but not a restricted record.
        Steps(Resolve(ReportKinds.StaffConduct, A, 40, subject: 43, route: "it-lead")).ShouldBe("10@0 11@1");
    }

    [Fact]
    public void The_line_manager_step_passes_to_their_line_manager_when_they_are_the_subject_and_to_the_Head_without_one()
    {
        Steps(Resolve(ReportKinds.Misuse, A, 40, route: "line-manager-of-reporter")).ShouldBe("41@0");
        Steps(Resolve(ReportKinds.Misuse, A, 40, subject: 41, route: "line-manager-of-reporter")).ShouldBe("42@0");
        Steps(Resolve(ReportKinds.Misuse, A, 43, route: "line-manager-of-reporter")).ShouldBe("10@0");
        Steps(Resolve(ReportKinds.Misuse, A, 41, subject: 42, route: "line-manager-of-reporter")).ShouldBe("10@0");
    }

    [Fact]
    public void A_person_who_holds_two_receiving_roles_is_named_once_at_the_first_step()
    {
        // At B the Head is the DSL: a route of DSL then Head reaches them once.
        Steps(Resolve(ReportKinds.Other, B, 40, route: "dsl,head")).ShouldBe("20@0");
    }

    [Fact]
    public void A_role_nobody_holds_passes_to_the_Head_so_a_report_never_goes_nowhere()
    {
        Steps(Resolve(ReportKinds.DamagedDevice, B, 40)).ShouldBe("20@0");
    }

    [Fact]
    public void Leavers_are_never_sent_reports()
    {
        Steps(Resolve(ReportKinds.LostDevice, A, 40, world: World(leavers: [13]))).ShouldBe("10@0 30@1");
    }

    [Fact]
    public void A_breach_always_reaches_the_DPO_and_illegal_content_the_DSL_and_the_Head_whatever_a_school_removed()
    {
        Resolve(ReportKinds.DataBreach, A, 40, route: "it-lead").Select(r => r.PersonId).ShouldContain(30);
        Resolve(ReportKinds.IllegalContent, A, 40, route: "it-lead").Select(r => r.PersonId).ShouldBe([13, 11, 12, 10]);
    }

    [Fact]
    public void A_report_is_never_sent_to_the_person_it_is_about_whatever_the_route()
    {
        foreach (var kind in ReportKinds.All)
        {
            foreach (var subject in new long[] { 10, 11, 12, 13, 14, 30, 31, 32, 41 })
            {
                Resolve(kind.Code, A, 40, subject: subject, route: "dsl,head,it-lead,dpo,online-safety-lead,executive-leader,chair-of-governors,line-manager-of-reporter,senior-leader")
                    .Select(r => r.PersonId).ShouldNotContain(subject, $"{kind.Code} about {subject}");
            }
        }
    }
}
