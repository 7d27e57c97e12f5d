import BelayServe

await ServeCommand.launch()
