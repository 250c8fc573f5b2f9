"""Models of the 项目流程 plugin."""
