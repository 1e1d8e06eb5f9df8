namespace SafeUse.Monitoring;

/// <summary>Placeholder until the engine lands.</summary>
public static class MonitoringEngine
{
}
