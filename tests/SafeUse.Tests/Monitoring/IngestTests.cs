using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.Monitoring;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Monitoring;

public sealed class IngestTests
{
    // Each hit under a different unattributed user, so storm control never folds two together.
    private static string U(int i) => $"guest{i}";

    private static async Task<List<Alert>> AlertsAsync(IngestWorld w)
    {
        await using var ctx = w.Db.Context();
        return await ctx.Alerts.AsNoTracking().OrderBy(a => a.FirstAt).ThenBy(a => a.Id).ToListAsync();
    }

    [Theory, BothDatabases]
    internal async Task Lines_appended_later_alert_once_and_a_partial_last_line_waits_until_it_is_complete(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 3, U));
        var first = await w.RunAsync();
        (first.Error, first.LinesRead, first.AlertsRaised).ShouldBe((null, 3L, 3));

        // Ingesting the same file again reads nothing and raises nothing.
        (await w.RunAsync()).LinesRead.ShouldBe(0);
        (await AlertsAsync(w)).Count.ShouldBe(3);

        // Two more lines, the second not yet finished: only the first is read.
        var partial = IngestWorld.Line(4, U(4));
        await w.AppendAsync(w.Log, IngestWorld.Line(3, U(3)) + partial[..20]);
        var second = await w.RunAsync();
        (second.LinesRead, second.AlertsRaised).ShouldBe((1L, 1));

        await w.AppendAsync(w.Log, partial[20..]);
        var third = await w.RunAsync();
        (third.LinesRead, third.AlertsRaised).ShouldBe((1L, 1));
        (await AlertsAsync(w)).Select(a => a.UserName).ShouldBe(["guest0", "guest1", "guest2", "guest3", "guest4"]);

        await using var ctx = db.Context();
        var source = await ctx.LogSources.SingleAsync();
        (source.LinesRead, source.LinesSkipped, source.LastError, source.LeaseHolder).ShouldBe((5L, 0L, null, null));
        source.LastIngestAt.ShouldNotBeNull();
    }

    [Theory, BothDatabases]
    internal async Task A_file_rotated_by_rename_is_finished_and_the_new_file_is_read_from_its_start(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 2, U));
        (await w.RunAsync()).AlertsRaised.ShouldBe(2);

        // The proxy writes one more line before logrotate renames the file, then starts a new one.
        await w.AppendAsync(w.Log, IngestWorld.Line(2, U(2)));
        File.Move(w.Log, w.Log + ".1");
        File.SetLastWriteTimeUtc(w.Log + ".1", DateTime.UtcNow.AddMinutes(-1));
        await w.AppendAsync(w.Log, IngestWorld.Lines(3, 2, U));
        var after = await w.RunAsync();
        (after.Error, after.LinesRead, after.AlertsRaised).ShouldBe((null, 3L, 3));
        (await AlertsAsync(w)).Select(a => a.UserName).ShouldBe(["guest0", "guest1", "guest2", "guest3", "guest4"]);
        (await w.RunAsync()).LinesRead.ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_rotated_file_compressed_later_is_known_by_its_head_and_raises_nothing_again(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 3, U));
        (await w.RunAsync()).AlertsRaised.ShouldBe(3);

        // Rotated (with one line written after the last read), then compressed into a file with a new inode.
        await w.AppendAsync(w.Log, IngestWorld.Line(3, U(3)));
        File.Move(w.Log, w.Log + ".1");
        await w.GzipAsync(w.Log + ".1", w.Log + ".1.gz");
        File.SetLastWriteTimeUtc(w.Log + ".1.gz", DateTime.UtcNow.AddMinutes(-1));
        await w.AppendAsync(w.Log, IngestWorld.Line(4, U(4)));
        var after = await w.RunAsync();
        (after.Error, after.LinesRead, after.AlertsRaised).ShouldBe((null, 2L, 2));
        (await AlertsAsync(w)).Select(a => a.UserName).ShouldBe(["guest0", "guest1", "guest2", "guest3", "guest4"]);
        (await w.RunAsync()).LinesRead.ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task A_truncated_or_replaced_file_is_read_again_from_its_start(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 3, U));
        (await w.RunAsync()).AlertsRaised.ShouldBe(3);

        // copytruncate: the same inode, now shorter and with different lines.
        await File.WriteAllTextAsync(w.Log, IngestWorld.Line(10, U(10)), new System.Text.UTF8Encoding(false));
        var truncated = await w.RunAsync();
        (truncated.LinesRead, truncated.AlertsRaised).ShouldBe((1L, 1));

        // Overwritten in place with longer content that begins differently: also from the start.
        await File.WriteAllTextAsync(w.Log, IngestWorld.Lines(20, 5, U), new System.Text.UTF8Encoding(false));
        var replaced = await w.RunAsync();
        (replaced.LinesRead, replaced.AlertsRaised).ShouldBe((5L, 5));
        (await AlertsAsync(w)).Count.ShouldBe(9);
    }

    /// <summary>Throws once, from inside the batch's transaction, after the engine ran and the alerts were added.</summary>
    private sealed class CrashOnce(int onCall) : IAlertRaised
    {
        private int _calls;

        public Task OnRaisedAsync(AppDbContext db, IReadOnlyList<Alert> raised, CancellationToken ct) =>
            ++_calls == onCall ? throw new IOException("the process was killed here") : Task.CompletedTask;
    }

    [Theory, BothDatabases]
    internal async Task A_failure_between_batches_keeps_the_batches_before_it_and_the_next_ingest_stores_the_rest_once(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 100, U));
        var thirty = IngestWorld.Lines(0, 30, U).Length;
        var batch = thirty + 10; // 30 lines a batch (the lines after differ in length by a character at most)

        var crashed = await w.RunAsync(new CrashOnce(onCall: 2), batch);
        crashed.Error.ShouldNotBeNull();
        crashed.AlertsRaised.ShouldBe(30);
        (await AlertsAsync(w)).Count.ShouldBe(30);
        await using (var ctx = db.Context())
        {
            var source = await ctx.LogSources.SingleAsync();
            (source.LinesRead, source.LeaseHolder).ShouldBe((30L, null));
            source.LastError.ShouldNotBeNull().ShouldNotContain("guest");
            (await ctx.LogPositions.SingleAsync()).Offset.ShouldBe(thirty);
        }

        var resumed = await w.RunAsync(batchBytes: batch);
        (resumed.Error, resumed.LinesRead, resumed.AlertsRaised).ShouldBe((null, 70L, 70));
        var alerts = await AlertsAsync(w);
        alerts.Select(a => a.UserName).ShouldBe(Enumerable.Range(0, 100).Select(U));
        await using var check = db.Context();
        (await check.LogSources.SingleAsync()).LastError.ShouldBeNull();
    }

    [Theory, BothDatabases]
    internal async Task Repeated_hits_by_one_person_under_one_rule_become_one_alert_with_a_count_and_first_and_last_times(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Line(0, "jdoyle") + IngestWorld.Line(10, "JDOYLE") + IngestWorld.Line(25, @"SCHOOL\jamie.d") + IngestWorld.Line(5, "guest1"));
        (await w.RunAsync()).AlertsRaised.ShouldBe(2);

        // Within 30 minutes of the last hit: added, even in a later ingest; two hours later: a new alert.
        await w.AppendAsync(w.Log, IngestWorld.Line(50, "jdoyle") + IngestWorld.Line(200, "jdoyle"));
        var later = await w.RunAsync();
        (later.AlertsRaised, later.HitsAdded).ShouldBe((1, 1));

        var jamie = (await AlertsAsync(w)).Where(a => a.PersonId == w.Jamie.Id).ToList();
        jamie.Count.ShouldBe(2);
        (jamie[0].Count, jamie[0].FirstAt, jamie[0].LastAt).ShouldBe((4, new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 2, 9, 50, 0, DateTimeKind.Utc)));
        (jamie[1].Count, jamie[1].FirstAt).ShouldBe((1, new DateTime(2026, 12, 2, 12, 20, 0, DateTimeKind.Utc)));

        // A closed alert takes no more hits: the next one opens a new alert.
        await using (var ctx = db.Context())
        {
            var open = await ctx.Alerts.SingleAsync(a => a.Id == jamie[1].Id);
            open.State = AlertState.Resolved;
            await ctx.SaveChangesAsync();
        }

        await w.AppendAsync(w.Log, IngestWorld.Line(205, "jdoyle"));
        (await w.RunAsync()).AlertsRaised.ShouldBe(1);
    }

    [Theory, BothDatabases]
    internal async Task Users_are_attributed_from_safeuses_own_staff_and_pupils_and_the_rest_are_unattributed(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log,
            IngestWorld.Line(0, @"school\JDoyle") + IngestWorld.Line(1, "18kpat@SCHOOL.LOCAL") + IngestWorld.Line(2, "stranger") + IngestWorld.Line(3, "-")
            // The staff-only rule: Jamie (staff) hits it, the pupil and an unknown user do not.
            + IngestWorld.Line(4, "jdoyle", "social-network.example") + IngestWorld.Line(5, "18kpat", "social-network.example") + IngestWorld.Line(6, "stranger", "social-network.example"));
        var result = await w.RunAsync();
        (result.Error, result.AlertsRaised).ShouldBe((null, 5));

        var alerts = await AlertsAsync(w);
        alerts.Select(a => (a.RuleId, a.PersonId, a.PupilId, a.UserName, a.Ip)).ShouldBe([
            ("gambling", w.Jamie.Id, null, null, "10.0.0.5"),
            ("gambling", null, w.Kai.Id, null, "10.0.0.5"),
            ("gambling", null, null, "stranger", "10.0.0.5"),
            ("gambling", null, null, null, "10.0.0.5"),
            ("staff-social", w.Jamie.Id, null, null, "10.0.0.5"),
        ]);
        alerts[0].ShouldSatisfyAllConditions(
            a => a.Host.ShouldBe("poker-palace.example"),
            a => a.Categories.ShouldBe("gambling"),
            a => a.Clause.ShouldBe("5"),
            a => a.Severity.ShouldBe("high"),
            a => a.State.ShouldBe(AlertState.New),
            a => a.LogSourceId.ShouldBe(w.Source.Id));
    }

    [Theory, BothDatabases]
    internal async Task A_source_another_ingest_holds_is_left_alone_and_a_school_without_rules_records_why(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 2, U));
        await using (var ctx = db.Context())
        {
            await ctx.LogSources.ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseHolder, "cron/1").SetProperty(s => s.LeaseUntil, DateTime.UtcNow.AddMinutes(5)));
        }

        (await w.RunAsync()).Busy.ShouldBeTrue();
        (await AlertsAsync(w)).ShouldBeEmpty();

        // A lease that ran out (its ingest crashed) is taken over.
        await using (var ctx = db.Context())
        {
            await ctx.LogSources.ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseUntil, DateTime.UtcNow.AddMinutes(-1)));
        }

        (await w.RunAsync()).AlertsRaised.ShouldBe(2);

        await using (var ctx = db.Context())
        {
            await ctx.MonitoringSetups.ExecuteUpdateAsync(u => u.SetProperty(s => s.RulesYaml, (string?)null));
        }

        (await w.RunAsync()).Error.ShouldNotBeNull().ShouldContain("not set up");
    }

    [Theory, BothDatabases]
    internal async Task Positions_of_files_long_gone_are_forgotten_and_a_log_in_no_known_format_is_named_in_the_error(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 2, U));
        (await w.RunAsync()).AlertsRaised.ShouldBe(2);
        await using (var ctx = db.Context())
        {
            ctx.LogPositions.AddRange(
                new LogPosition { LogSourceId = w.Source.Id, Path = "gone-long-ago", Device = 1, Inode = 1, Offset = 10, HeadLength = 10, HeadHash = "AA", UpdatedAt = DateTime.UtcNow.AddDays(-40) },
                new LogPosition { LogSourceId = w.Source.Id, Path = "gone-yesterday", Device = 1, Inode = 2, Offset = 10, HeadLength = 10, HeadHash = "BB", UpdatedAt = DateTime.UtcNow.AddDays(-1) });
            await ctx.SaveChangesAsync();
        }

        (await w.RunAsync()).Error.ShouldBeNull();
        await using (var ctx = db.Context())
        {
            (await ctx.LogPositions.Select(p => p.Path).ToListAsync()).ShouldBe([w.Log, "gone-yesterday"], ignoreOrder: true);
            await ctx.LogSources.ExecuteUpdateAsync(u => u.SetProperty(s => s.Format, "auto"));
        }

        await w.AppendAsync(Path.Combine(w.Logs, "access.logx"), "hello\nworld\n");
        var unknown = await w.RunAsync();
        unknown.Error.ShouldBe("access.logx: format: not recognised from the first lines: choose the log's format on the source");
        (await AlertsAsync(w)).Count.ShouldBe(2);
    }

    /// <summary>Stands for another ingest taking the source over (its lease ran out) while this one was mid-batch.</summary>
    private sealed class TakenOver : IAlertRaised
    {
        public async Task OnRaisedAsync(AppDbContext db, IReadOnlyList<Alert> raised, CancellationToken ct) =>
            await db.LogSources.ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseHolder, "cron/2"), ct);
    }

    [Theory, BothDatabases]
    internal async Task An_ingest_whose_lease_was_taken_over_stores_nothing_of_its_batch(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 2, U));
        var lost = await w.RunAsync(new TakenOver());
        lost.Error.ShouldNotBeNull().ShouldContain("Another ingest took this source over");
        (await AlertsAsync(w)).ShouldBeEmpty();
        await using var ctx = db.Context();
        (await ctx.LogPositions.CountAsync()).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task The_web_app_ingests_on_its_own_unless_the_scheduler_is_off(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var w = await IngestWorld.CreateAsync(db);
        await w.AppendAsync(w.Log, IngestWorld.Lines(0, 2, U));
        await using (var off = new AppFactory(db, settings: new Dictionary<string, string?> { ["SafeUse:RunScheduler"] = "false" }))
        {
            _ = off.Server;
            off.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<MonitoringClock>().ShouldBeEmpty();
        }

        await using var app = new AppFactory(db, settings: new Dictionary<string, string?> { ["SafeUse:Monitoring:IngestInterval"] = "00:00:10" });
        _ = app.Server;
        // The clock's first run starts with the app; wait for it (up to a minute on a busy machine), not for a time.
        for (var i = 0; i < 600 && (await AlertsAsync(w)).Count < 2; i++)
        {
            await Task.Delay(100);
        }

        (await AlertsAsync(w)).Count.ShouldBe(2);
    }
}
