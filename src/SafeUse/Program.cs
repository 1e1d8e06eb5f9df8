using SafeUse.Platform.Cli;

return await SafeUseCli.RunAsync(args);

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
