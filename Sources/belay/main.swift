import BelayCLI

await BelayCommand.launch()
