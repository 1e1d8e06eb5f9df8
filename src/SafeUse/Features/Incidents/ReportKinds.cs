using SafeUse.Features.People;

namespace SafeUse.Features.Incidents;

/// <summary>How a field of a report is typed.</summary>
internal enum FieldType
{
    Line,
    Text,
    DateTime,
    YesNo,
}

/// <summary>One question a report of a kind asks, beyond what every report asks (what happened, when, who it is about).</summary>
internal sealed record ReportField(string Code, string Label, FieldType Type, bool Required, string? Hint = null);

/// <summary>
/// A kind of report as SafeUse ships it: its code, general name (the only thing an email says about it), default
/// route and fields. A school renames it, turns it off, changes its route and whether files may be attached; the code
/// and the fields stay.
/// </summary>
internal sealed record ReportKind(
    string Code,
    string Name,
    string Hint,
    IReadOnlyList<string> DefaultRoute,
    bool DefaultAttachments,
    IReadOnlyList<ReportField> Fields,
    bool Restricted = false,
    bool NeedsSubject = false)
{
    /// <summary>Recipients a school's route for this kind must keep whatever else it says.</summary>
    public IReadOnlyList<string> RequiredRecipients => Code switch
    {
        ReportKinds.IllegalContent => [Route.Code(Role.Dsl), Route.Code(Role.Head)],
        ReportKinds.DataBreach => [Route.Code(Role.Dpo)],
        ReportKinds.StaffConduct => [Route.Code(Role.Head), Route.Code(Role.Dsl)],
        _ => [],
    };

    /// <summary>Suspected illegal content is recorded where it is and never copied into SafeUse.</summary>
    public bool AttachmentsForbidden => Code == ReportKinds.IllegalContent;
}

internal static class ReportKinds
{
    public const string AccidentalAccess = "accidental-access";
    public const string Misuse = "misuse";
    public const string OffensiveMessage = "offensive-message";
    public const string IllegalContent = "illegal-content";
    public const string LostDevice = "lost-device";
    public const string DataBreach = "data-breach";
    public const string DamagedDevice = "damaged-device";
    public const string FilteringFailure = "filtering-failure";
    public const string StaffConduct = "staff-conduct";
    public const string Other = "other";

    private static readonly ReportField Device = new("device", "Which device (its asset tag or description)", FieldType.Line, true);
    private static readonly ReportField HeldPersonalData = new("held-personal-data", "Did it hold, or could it open, personal data about pupils or staff?", FieldType.YesNo, true,
        "Answer yes if you are not sure: the Data Protection Officer will decide whether it is a personal-data breach.");

    public static readonly IReadOnlyList<ReportKind> All =
    [
        new(AccidentalAccess, "Accidental access to inappropriate material", "You or a pupil saw something unsuitable by accident.",
            [Route.Code(Role.OnlineSafetyLead), Route.Code(Role.Dsl)], true,
            [new("address", "The web address or app, if you know it", FieldType.Line, false), Device with { Required = false }]),
        new(Misuse, "Suspected misuse of ICT by someone else", "Someone may be using the school's systems or devices against the policy.",
            [Route.Code(Role.OnlineSafetyLead), Route.LineManager], true,
            [new("systems", "Which systems or devices", FieldType.Line, false)]),
        new(OffensiveMessage, "An offensive, threatening or bullying message", "A message, post or email that offends, threatens or bullies.",
            [Route.Code(Role.Dsl), Route.Code(Role.OnlineSafetyLead)], true,
            [new("channel", "Where it was sent (email, chat, social media...)", FieldType.Line, true)]),
        new(IllegalContent, "Suspected illegal content", "Material that may be illegal, such as indecent images of children or terrorist material.",
            [Route.Code(Role.Dsl), Route.Code(Role.Head)], false,
            [
                new("location", "Where the material is now (the device, the account, the room)", FieldType.Text, true,
                    "Say where it is so it can be secured. Do not open, copy, screenshot, forward or upload it."),
                new("secured-by", "Who secured it", FieldType.Line, true),
                new("secured-at", "When it was secured", FieldType.DateTime, true),
            ]),
        new(LostDevice, "Lost or stolen device", "A school laptop, tablet, phone or storage device is missing.",
            [Route.Code(Role.ItLead), Route.Code(Role.Dpo)], false,
            [Device, new("last-seen", "Where and when it was last seen", FieldType.Line, true), HeldPersonalData, new("encrypted", "Was it encrypted?", FieldType.YesNo, false)]),
        new(DataBreach, "Personal-data breach", "Personal data was lost, sent to the wrong person, seen by someone who should not, or changed or destroyed.",
            [Route.Code(Role.Dpo), Route.Code(Role.Head)], true,
            [new("aware-at", "When the school became aware of it", FieldType.DateTime, true, "This starts the 72-hour clock for telling the ICO."),
             new("data", "What personal data, and about whom", FieldType.Text, true)]),
        new(DamagedDevice, "Damaged or faulty device", "A school device is broken or not working.",
            [Route.Code(Role.ItLead)], true, [Device]),
        new(FilteringFailure, "Filtering failure", "An unsuitable site got through the filter, or a site needed for teaching is blocked.",
            [Route.Code(Role.OnlineSafetyLead), Route.Code(Role.ItLead)], true,
            [new("address", "The web address", FieldType.Line, true), new("direction", "Did it get through when it should be blocked?", FieldType.YesNo, true, "Answer no if a needed site is blocked.")]),
        new(StaffConduct, "A concern about a colleague's conduct", "An allegation or a low-level concern about how a member of staff behaves. Only the case manager and the DSL see it.",
            [Route.Code(Role.Head), Route.Code(Role.Dsl)], false, [], Restricted: true, NeedsSubject: true),
        new(Other, "Something else", "Anything else the acceptable use policy asks you to report.",
            [Route.Code(Role.OnlineSafetyLead)], true, []),
    ];

    public static ReportKind? Find(string? code) => All.FirstOrDefault(k => k.Code == code);
}
