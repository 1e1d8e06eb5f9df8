namespace SafeUse.Features.Calendar;

/// <summary>A day off in a region of the UK: working-day deadlines step over it.</summary>
internal sealed class BankHoliday
{
    /// <summary>
    /// England and Wales share one list; Scotland and Northern Ireland have their own (St Andrew's Day, St Patrick's
    /// Day, 2 January...), hence a region on each day even while this is the only one.
    /// </summary>
    public const string EnglandAndWales = "england-and-wales";

    public long Id { get; set; }
    public DateOnly Date { get; set; }
    public required string Name { get; set; }
    public string Region { get; set; } = EnglandAndWales;
}
