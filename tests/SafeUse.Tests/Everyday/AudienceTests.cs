using Microsoft.EntityFrameworkCore;
using SafeUse.Features.People;
using SafeUse.Features.Policies;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.SignOff;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Everyday;

public sealed class AudienceTests
{
    [Theory, BothDatabases]
    public async Task The_trusts_central_team_is_asked_to_sign_trust_wide_policies_but_not_a_schools_own(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        var world = await SignOffWorld.CreateAsync(db, new FakeTime());
        Person ceo;
        await using (var ctx = db.Context())
        {
            ceo = await Seed.PersonAsync(ctx, world.Trust, null, "Cara", "Chief", (Role.ExecutiveLeader, null));
        }

        var (trustPolicy, trustDraft) = await world.PolicyAsync();
        (await world.PublishAsync(trustDraft)).ShouldBe(7);
        var (schoolPolicy, schoolDraft) = await world.PolicyAsync(scope: PolicyScope.Schools, only: world.A);
        await world.PublishAsync(schoolDraft);

        await using var check = db.Context();
        (await check.SignOffRequests.CountAsync(r => r.PersonId == ceo.Id && r.PolicyId == trustPolicy)).ShouldBe(1);
        (await check.SignOffRequests.CountAsync(r => r.PersonId == ceo.Id && r.PolicyId == schoolPolicy)).ShouldBe(0);
    }
}
