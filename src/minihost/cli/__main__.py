from minihost.cli.main import main

main()
