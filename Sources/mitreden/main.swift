import App

App.main()
